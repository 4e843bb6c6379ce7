#include <stdio.h>
int main(void) { puts("imaginator"); return 0; }

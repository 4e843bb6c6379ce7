/* STUB - to be replaced by the taxonomy module. */
#include "img_tax.h"
#include <stdlib.h>
struct img_tax { int dummy; };
img_err_t img_tax_new_builtin(img_tax_t **taxp, char *errstr, size_t errstr_size)
{ *taxp = calloc(1, sizeof(**taxp)); return IMG_OK; }
void img_tax_destroy(img_tax_t *tax) { free(tax); }
img_err_t img_tax_load_esco(img_tax_t *tax, const char *path, char *e, size_t n) { return IMG_OK; }
img_err_t img_tax_load_onet(img_tax_t *tax, const char *path, char *e, size_t n) { return IMG_OK; }
size_t img_tax_count(const img_tax_t *tax) { return 0; }
const img_tax_skill_t *img_tax_get(const img_tax_t *tax, int id) { return NULL; }
int img_tax_find(const img_tax_t *tax, const char *s, size_t len) { return -1; }
bool img_tax_match_at(const img_tax_t *tax, const char *text, const img_token_t *toks,
                      size_t n_toks, size_t i, img_tax_match_t *out) { return false; }
bool img_tax_related(const img_tax_t *tax, int a, int b) { return false; }
size_t img_tax_certs_for(const img_tax_t *tax, int skill, int *out, size_t max) { return 0; }

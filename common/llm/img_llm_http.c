/*
 * img_llm_http.c - libcurl multi plumbing for img_llm: easy handles, header
 * capture, the body cap, the retry-timer heap and the two ways of driving it
 * (img_llm_wait() with curl_multi_poll, or an external loop through
 * CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION).
 *
 * Every event costs O(log n) at most (heap) and O(1) per finished transfer, so
 * one thread keeps hundreds of calls in flight.
 */
#include "llm/img_llm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/img_log.h"

/* Idle easy handles kept for reuse; connections live in the multi's cache. */
#define IMG_LLM_POOL_MAX 64

/* curl_global_init/cleanup are process-wide: the first client initialises,
 * the last one cleans up. Clients are created and destroyed from one thread
 * (the process's setup path), like curl_global_init itself requires. */
static int g_curl_users;

int64_t img_llm_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- timer heap */

static void heap_swap(img_llm_t *llm, size_t a, size_t b)
{
    img_llm_job_t *t = llm->heap[a];
    llm->heap[a] = llm->heap[b];
    llm->heap[b] = t;
    llm->heap[a]->heap_idx = a;
    llm->heap[b]->heap_idx = b;
}

static void heap_up(img_llm_t *llm, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (llm->heap[p]->due_ms <= llm->heap[i]->due_ms)
            break;
        heap_swap(llm, i, p);
        i = p;
    }
}

static void heap_down(img_llm_t *llm, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < llm->heap_len && llm->heap[l]->due_ms < llm->heap[m]->due_ms)
            m = l;
        if (r < llm->heap_len && llm->heap[r]->due_ms < llm->heap[m]->due_ms)
            m = r;
        if (m == i)
            return;
        heap_swap(llm, i, m);
        i = m;
    }
}

void img_llm_timer_clear(img_llm_job_t *job)
{
    img_llm_t *llm = job->llm;
    size_t i = job->heap_idx;
    if (i == SIZE_MAX)
        return;
    job->heap_idx = SIZE_MAX;
    llm->heap_len--;
    if (i == llm->heap_len)
        return;
    llm->heap[i] = llm->heap[llm->heap_len];
    llm->heap[i]->heap_idx = i;
    heap_up(llm, i);
    heap_down(llm, llm->heap[i]->heap_idx);
}

void img_llm_timer_set(img_llm_job_t *job, int64_t due_ms, img_llm_action_t action)
{
    img_llm_t *llm = job->llm;
    img_llm_timer_clear(job);
    if (llm->heap_len == llm->heap_cap) {
        size_t cap = llm->heap_cap ? llm->heap_cap * 2 : 64;
        img_llm_job_t **h = realloc(llm->heap, cap * sizeof(*h));
        if (!h)
            abort();
        llm->heap = h;
        llm->heap_cap = cap;
    }
    job->due_ms = due_ms;
    job->action = action;
    job->heap_idx = llm->heap_len;
    llm->heap[llm->heap_len++] = job;
    heap_up(llm, job->heap_idx);
}

/* Runs every job whose timer is due. A job may queue a new timer due now
 * (retry-after: 0); it then runs in the same pass. */
static void fire_due(img_llm_t *llm)
{
    int64_t now = img_llm_now_ms();
    while (llm->heap_len && llm->heap[0]->due_ms <= now) {
        img_llm_job_t *job = llm->heap[0];
        img_llm_timer_clear(job);
        img_llm_job_on_timer(job);
    }
}

/* Milliseconds until the next retry timer, -1 when none. */
static long next_timer_in(const img_llm_t *llm, int64_t now)
{
    if (!llm->heap_len)
        return -1;
    int64_t d = llm->heap[0]->due_ms - now;
    return d < 0 ? 0 : d > 86400000 ? 86400000 : (long)d;
}

/* ---------------------------------------------------------------- transfers */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    img_llm_job_t *job = userp;
    size_t n = size * nmemb;
    if (job->resp.len + n > IMG_LLM_MAX_BODY) {
        job->too_big = true;
        return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
    }
    img_buf_append(&job->resp, data, n);
    return n;
}

/* Copies a header value without surrounding space into dst. */
static void keep_header(char *dst, size_t dst_size, const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n >= dst_size)
        n = dst_size - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    img_llm_job_t *job = userp;
    size_t n = size * nmemb;
    /* A new status line (after 100 Continue, say) starts a new header set. */
    if (n >= 5 && !strncmp(data, "HTTP/", 5)) {
        job->h_retry_after[0] = job->h_retry_after_ms[0] = '\0';
        job->h_should_retry[0] = job->h_request_id[0] = '\0';
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (!colon)
        return n;
    size_t klen = (size_t)(colon - data), vlen = n - klen - 1;
    const char *v = colon + 1;
    const char *rid = job->prov ? job->prov->api->request_id_header : "";
#define IS(name) (klen == strlen(name) && !strncasecmp(data, name, klen))
    if (IS("retry-after"))
        keep_header(job->h_retry_after, sizeof(job->h_retry_after), v, vlen);
    else if (IS("retry-after-ms"))
        keep_header(job->h_retry_after_ms, sizeof(job->h_retry_after_ms), v, vlen);
    else if (IS("x-should-retry"))
        keep_header(job->h_should_retry, sizeof(job->h_should_retry), v, vlen);
    else if (IS(rid))
        keep_header(job->h_request_id, sizeof(job->h_request_id), v, vlen);
#undef IS
    return n;
}

img_err_t img_llm_http_send(img_llm_job_t *job, long timeout_ms, char *errstr, size_t errstr_size)
{
    img_llm_t *llm = job->llm;
    CURL *easy = llm->pool_len ? llm->pool[--llm->pool_len] : curl_easy_init();
    if (!easy)
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "curl_easy_init failed");
    img_buf_clear(&job->resp);
    job->too_big = false;
    job->h_retry_after[0] = job->h_retry_after_ms[0] = '\0';
    job->h_should_retry[0] = job->h_request_id[0] = '\0';
    if (timeout_ms < 1)
        timeout_ms = 1;

    curl_easy_setopt(easy, CURLOPT_URL, job->prov->url);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, job->prov->headers);
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, job->req.data);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)job->req.len);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, job);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, job);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, job);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 10000 ? timeout_ms : 10000L);
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)IMG_LLM_MAX_BODY);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "imaginator/" IMG_VERSION);
    /* Both providers speak HTTP/2 where offered; libcurl negotiates it. */
    CURLMcode mc = curl_multi_add_handle(llm->multi, easy);
    if (mc != CURLM_OK) {
        curl_easy_cleanup(easy);
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "curl_multi_add_handle: %s",
                           curl_multi_strerror(mc));
    }
    job->easy = easy;
    return IMG_OK;
}

void img_llm_http_release(img_llm_job_t *job)
{
    img_llm_t *llm = job->llm;
    CURL *easy = job->easy;
    if (!easy)
        return;
    job->easy = NULL;
    curl_multi_remove_handle(llm->multi, easy);
    if (llm->pool_len < IMG_LLM_POOL_MAX && !llm->destroying) {
        curl_easy_reset(easy);
        llm->pool[llm->pool_len++] = easy;
    } else {
        curl_easy_cleanup(easy);
    }
}

/* Hands every finished transfer to its job. */
static void drain(img_llm_t *llm)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(llm->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *easy = msg->easy_handle;
        CURLcode rc = msg->data.result; /* msg dies with the handle's removal */
        img_llm_job_t *job = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&job);
        if (job && job->easy == easy)
            img_llm_job_on_done(job, rc);
    }
}

/* ------------------------------------------------------------ event loop glue */

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    img_llm_t *llm = userp;
    if (llm->destroying || !llm->ops.watch_fd)
        return 0;
    int w = what == CURL_POLL_IN ? 1 : what == CURL_POLL_OUT ? 2 : what == CURL_POLL_INOUT ? 3 : 0;
    llm->ops.watch_fd(llm->ops.opaque, (int)s, w);
    return 0;
}

/* Only records curl's wish: multi calls are not allowed from here, and every
 * entry point re-arms the loop's timer before returning. */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    img_llm_t *llm = userp;
    llm->curl_due = timeout_ms < 0 ? -1 : img_llm_now_ms() + timeout_ms;
    return 0;
}

void img_llm_rearm(img_llm_t *llm)
{
    if (!llm->attached || llm->destroying || !llm->ops.set_timer)
        return;
    int64_t due = llm->curl_due;
    if (llm->heap_len && (due < 0 || llm->heap[0]->due_ms < due))
        due = llm->heap[0]->due_ms;
    if (due == llm->armed_due)
        return;
    llm->armed_due = due;
    if (due < 0) {
        llm->ops.set_timer(llm->ops.opaque, -1);
        return;
    }
    int64_t in = due - img_llm_now_ms();
    llm->ops.set_timer(llm->ops.opaque, in < 0 ? 0 : (long)in);
}

void img_llm_loop_attach(img_llm_t *llm, const img_llm_loop_ops_t *ops)
{
    llm->ops = *ops;
    llm->attached = true;
    llm->curl_due = -1;
    llm->armed_due = -2;
    curl_multi_setopt(llm->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(llm->multi, CURLMOPT_SOCKETDATA, llm);
    curl_multi_setopt(llm->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(llm->multi, CURLMOPT_TIMERDATA, llm);
    /* Calls queued before attaching wait on the heap: let the loop see them. */
    img_llm_rearm(llm);
}

void img_llm_loop_on_fd(img_llm_t *llm, int fd, int readable, int writable)
{
    int running, ev = (readable ? CURL_CSELECT_IN : 0) | (writable ? CURL_CSELECT_OUT : 0);
    curl_multi_socket_action(llm->multi, (curl_socket_t)fd, ev, &running);
    drain(llm);
    img_llm_rearm(llm);
}

void img_llm_loop_on_timer(img_llm_t *llm)
{
    int running;
    llm->armed_due = -2; /* the loop's one-shot timer is spent: always set it again */
    if (llm->curl_due >= 0 && llm->curl_due <= img_llm_now_ms())
        curl_multi_socket_action(llm->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    drain(llm);
    fire_due(llm);
    img_llm_rearm(llm);
}

void img_llm_wait(img_llm_t *llm)
{
    if (llm->attached) {
        img_log_error(NULL, "llm_wait", "img_llm_wait() on a client attached to a loop");
        return;
    }
    while (llm->n_jobs) {
        int running;
        fire_due(llm);
        curl_multi_perform(llm->multi, &running);
        drain(llm);
        if (!llm->n_jobs)
            break;
        long ct = -1;
        curl_multi_timeout(llm->multi, &ct);
        long tt = next_timer_in(llm, img_llm_now_ms());
        long to = ct < 0 ? tt : tt < 0 ? ct : ct < tt ? ct : tt;
        if (to < 0 || to > 1000)
            to = 1000;
        if (to > 0)
            curl_multi_poll(llm->multi, NULL, 0, (int)to, NULL);
    }
}

/* ------------------------------------------------------------ init / cleanup */

img_err_t img_llm_http_init(img_llm_t *llm, char *errstr, size_t errstr_size)
{
    if (g_curl_users == 0) {
        CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
        if (rc != CURLE_OK)
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "curl_global_init: %s",
                               curl_easy_strerror(rc));
    }
    g_curl_users++;
    llm->multi = curl_multi_init();
    llm->pool = calloc(IMG_LLM_POOL_MAX, sizeof(*llm->pool));
    if (!llm->multi || !llm->pool) {
        img_llm_http_fini(llm);
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "curl_multi_init failed");
    }
    curl_multi_setopt(llm->multi, CURLMOPT_MAXCONNECTS, 256L);
    llm->curl_due = -1;
    llm->armed_due = -2;
    return IMG_OK;
}

void img_llm_http_fini(img_llm_t *llm)
{
    llm->destroying = true;
    for (size_t i = 0; i < llm->pool_len; i++)
        curl_easy_cleanup(llm->pool[i]);
    free(llm->pool);
    llm->pool = NULL;
    llm->pool_len = 0;
    if (llm->multi)
        curl_multi_cleanup(llm->multi);
    llm->multi = NULL;
    free(llm->heap);
    llm->heap = NULL;
    llm->heap_len = llm->heap_cap = 0;
    if (g_curl_users > 0 && --g_curl_users == 0)
        curl_global_cleanup();
}

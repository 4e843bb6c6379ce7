/*
 * The worker's loop: epoll over the signalfd, a periodic timerfd, the Kafka
 * queues' io-event pipes and the LLM clients' sockets and timers; start-up
 * (waiting for PostgreSQL and Kafka without giving up), the drained shutdown
 * and the immediate exit on a second signal.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "img_worker_int.h"

#define TICK_MS 100

/* epoll data: kind in the top byte, LLM client in the next, fd below. */
enum { EV_SIGNAL = 1, EV_TICK, EV_CONSUMER, EV_PRODUCER, EV_LLM_TIMER, EV_LLM_SOCK };
#define EV(kind, client, fd)                                                                       \
    (((uint64_t)(kind) << 56) | ((uint64_t)(client) << 48) | (uint32_t)(fd))

int64_t img_worker_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int img_worker_backoff_ms(const img_worker_t *w, int n)
{
    int max = w->cfg->worker_retry_max_ms > 0 ? w->cfg->worker_retry_max_ms : 5000;
    long ms = 100;
    for (int i = 1; i < n && ms < max; i++)
        ms *= 2;
    if (ms > max)
        ms = max;
    /* +-20% jitter so that workers do not retry in lockstep */
    return (int)(ms * 4 / 5 + (rand() % (ms * 2 / 5 + 1)));
}

void img_worker_db_state(img_worker_t *w, img_err_t err, const char *what, const char *why)
{
    if (err == IMG_OK) {
        if (w->db_down) {
            img_log_info(NULL, "db_available", "after %d failed calls; resuming", w->db_failures);
            w->db_down = false;
            w->db_failures = 0;
            w->flow_dirty = true;
        }
        return;
    }
    if (err != IMG_ERR_RETRIABLE) {
        img_log_error(NULL, "store_error", "%s: %s (retrying)", what, why);
        return;
    }
    w->db_failures++;
    if (!w->db_down) {
        img_log_warn(NULL, "db_unavailable", "%s: %s; pausing consumption, retrying", what, why);
        w->db_down = true;
        w->flow_dirty = true;
    }
}

/* systemd's notification socket, when started as Type=notify. */
static void sd_notify(const char *msg)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !*path || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
        return;
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path));
    if (sa.sun_path[0] == '@')
        sa.sun_path[0] = '\0';
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
    if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0)
        img_log_debug(NULL, "sd_notify", "%s", strerror(errno));
    close(fd);
}

/* ---- LLM glue ---- */

typedef struct llm_ctx {
    img_worker_t *w;
    int client;
} llm_ctx_t;

static llm_ctx_t llm_ctxs[3];

static void llm_watch_fd(void *opaque, int fd, int what)
{
    llm_ctx_t *c = opaque;
    struct epoll_event ev = {0};
    ev.data.u64 = EV(EV_LLM_SOCK, c->client, fd);
    if (!what) {
        epoll_ctl(c->w->ep, EPOLL_CTL_DEL, fd, &ev);
        return;
    }
    ev.events = (what & 1 ? EPOLLIN : 0) | (what & 2 ? EPOLLOUT : 0);
    if (epoll_ctl(c->w->ep, EPOLL_CTL_MOD, fd, &ev) < 0 && errno == ENOENT)
        epoll_ctl(c->w->ep, EPOLL_CTL_ADD, fd, &ev);
}

static void llm_set_timer(void *opaque, long timeout_ms)
{
    llm_ctx_t *c = opaque;
    struct itimerspec its;
    memset(&its, 0, sizeof(its));
    if (timeout_ms >= 0) {
        its.it_value.tv_sec = timeout_ms / 1000;
        its.it_value.tv_nsec = (timeout_ms % 1000) * 1000000L;
        if (timeout_ms == 0)
            its.it_value.tv_nsec = 1; /* 0 would disarm it */
    }
    timerfd_settime(c->w->llm_timer[c->client], 0, &its, NULL);
}

/* ---- the loop ---- */

static void begin_shutdown(img_worker_t *w, const char *why)
{
    if (w->draining)
        return;
    w->draining = true;
    w->drain_deadline = img_worker_now() + w->cfg->worker_shutdown_timeout_ms;
    img_wjob_t *next;
    for (img_wjob_t *j = w->jobs; j; j = next) {
        next = j->next;
        if (j->queued)
            img_wjob_drop(j);
    }
    w->flow_dirty = true;
    sd_notify("STOPPING=1");
    img_log_info(NULL, "shutdown", "%s; draining %zu requests in flight (up to %d ms)", why,
                 w->n_dispatched, w->cfg->worker_shutdown_timeout_ms);
}

static void on_signals(img_worker_t *w)
{
    struct signalfd_siginfo si;
    while (read(w->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        w->signals++;
        const char *name = si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM";
        if (w->signals >= 2) {
            /* Nothing unfinished was stored as an offset: whatever was in
             * flight is delivered again and resumes from its checkpoints. */
            img_log_warn(NULL, "exit_now", "second %s: exiting without draining", name);
            _exit(128 + (int)si.ssi_signo);
        }
        begin_shutdown(w, name);
    }
}

static void drain_fd(int fd)
{
    char buf[256];
    while (read(fd, buf, sizeof(buf)) > 0)
        ;
}

void img_worker_loop_once(img_worker_t *w, int timeout_ms, bool allow_consume)
{
    struct epoll_event evs[64];
    bool tick = false;
    int n = epoll_wait(w->ep, evs, 64, timeout_ms);
    for (int i = 0; i < n; i++) {
        uint64_t d = evs[i].data.u64;
        int kind = (int)(d >> 56), client = (int)((d >> 48) & 0xff), fd = (int)(uint32_t)d;
        switch (kind) {
        case EV_SIGNAL:
            on_signals(w);
            break;
        case EV_TICK:
            drain_fd(w->tick_fd);
            tick = true;
            break;
        case EV_CONSUMER:
            drain_fd(w->cq_pipe[0]);
            w->more_consume = true;
            break;
        case EV_PRODUCER:
            drain_fd(w->pq_pipe[0]);
            img_kafka_serve_producer(w);
            break;
        case EV_LLM_TIMER:
            drain_fd(w->llm_timer[client]);
            img_llm_loop_on_timer(w->llm[client]);
            break;
        case EV_LLM_SOCK:
            img_llm_loop_on_fd(w->llm[client], fd,
                               (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0,
                               (evs[i].events & (EPOLLOUT | EPOLLERR)) != 0);
            break;
        }
    }
    if (tick) {
        img_wjob_tick(w, img_worker_now());
        img_kafka_serve_producer(w);
        w->more_consume = true; /* poll regularly: rebalances, max.poll.interval.ms */
    }
    if (allow_consume && !w->in_rebalance && w->more_consume && !w->consumer_closed)
        img_kafka_consume(w);
    img_wjob_dispatch(w);
    if (w->flow_dirty) {
        w->flow_dirty = false;
        img_kafka_flow(w);
    }
}

/* Waits up to ms for a signal (start-up retries); true when told to stop. */
static bool pause_for(img_worker_t *w, int ms)
{
    int64_t until = img_worker_now() + ms;
    while (!w->draining) {
        int64_t left = until - img_worker_now();
        if (left <= 0)
            return false;
        struct epoll_event ev;
        if (epoll_wait(w->ep, &ev, 1, (int)left) <= 0)
            continue;
        switch ((int)(ev.data.u64 >> 56)) {
        case EV_SIGNAL:
            on_signals(w);
            break;
        case EV_TICK:
            drain_fd(w->tick_fd);
            break;
        case EV_CONSUMER: /* served once running: the tick polls the queue */
            drain_fd(w->cq_pipe[0]);
            break;
        case EV_PRODUCER:
            drain_fd(w->pq_pipe[0]);
            break;
        case EV_LLM_TIMER:
            drain_fd(w->llm_timer[(ev.data.u64 >> 48) & 0xff]);
            break;
        }
    }
    return true;
}

static int add_fd(img_worker_t *w, int fd, uint64_t data)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = data};
    return epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev);
}

static int setup_loop(img_worker_t *w, char *errstr, size_t n)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    w->ep = epoll_create1(EPOLL_CLOEXEC);
    w->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    w->tick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (w->ep < 0 || w->sig_fd < 0 || w->tick_fd < 0) {
        snprintf(errstr, n, "event loop: %s", strerror(errno));
        return -1;
    }
    struct itimerspec its = {{0, TICK_MS * 1000000L}, {0, TICK_MS * 1000000L}};
    timerfd_settime(w->tick_fd, 0, &its, NULL);
    if (add_fd(w, w->sig_fd, EV(EV_SIGNAL, 0, w->sig_fd)) ||
        add_fd(w, w->tick_fd, EV(EV_TICK, 0, w->tick_fd))) {
        snprintf(errstr, n, "epoll: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static int setup_llm(img_worker_t *w, char *errstr, size_t n)
{
    char why[512];
    if (img_llm_prices_new(&w->prices, NULL, why, sizeof(why)) != IMG_OK) {
        snprintf(errstr, n, "price table: %s", why);
        return EX_SOFTWARE;
    }
    if (img_config_llm_plan(w->cfg, NULL, w->prices, &w->plan, why, sizeof(why)) != IMG_OK) {
        snprintf(errstr, n, "%s", why);
        return EX_CONFIG;
    }
    for (size_t i = 0; w->plan.uses_llm && i < w->plan.n_clients; i++) {
        if (img_llm_new(&w->llm[i], &w->plan.conf[i], why, sizeof(why)) != IMG_OK) {
            snprintf(errstr, n, "LLM client: %s", why);
            return EX_CONFIG;
        }
        w->llm_timer[i] = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (w->llm_timer[i] < 0 || add_fd(w, w->llm_timer[i], EV(EV_LLM_TIMER, i, 0))) {
            snprintf(errstr, n, "timerfd: %s", strerror(errno));
            return EX_OSERR;
        }
        llm_ctxs[i] = (llm_ctx_t){w, (int)i};
        img_llm_loop_ops_t ops = {&llm_ctxs[i], llm_watch_fd, llm_set_timer};
        img_llm_loop_attach(w->llm[i], &ops);
    }
    return EX_OK;
}

/* PostgreSQL: connect and check the schema, waiting while it is unreachable. */
static int setup_store(img_worker_t *w, char *errstr, size_t n)
{
    char why[512];
    for (int attempt = 1;; attempt++) {
        img_err_t err = IMG_OK;
        if (!w->store)
            err = img_store_open(&w->store, w->cfg->database_url, why, sizeof(why));
        if (err == IMG_OK)
            err = img_store_schema_check(w->store, NULL, why, sizeof(why));
        if (err == IMG_OK)
            return EX_OK;
        if (err != IMG_ERR_RETRIABLE) {
            snprintf(errstr, n, "%s", why);
            return EX_CONFIG;
        }
        if (attempt == 1 || attempt % 10 == 0)
            img_log_warn(NULL, "db_unavailable", "%s; retrying", why);
        if (pause_for(w, img_worker_backoff_ms(w, attempt)))
            return -1;
    }
}

static int setup_kafka(img_worker_t *w, char *errstr, size_t n)
{
    char why[512];
    if (img_kafka_setup(w, errstr, n))
        return EX_CONFIG;
    if (add_fd(w, w->cq_pipe[0], EV(EV_CONSUMER, 0, w->cq_pipe[0])) ||
        add_fd(w, w->pq_pipe[0], EV(EV_PRODUCER, 0, w->pq_pipe[0]))) {
        snprintf(errstr, n, "epoll: %s", strerror(errno));
        return EX_OSERR;
    }
    for (int attempt = 1;; attempt++) {
        img_err_t err = img_kafka_probe(w, 5000, why, sizeof(why));
        if (err == IMG_OK)
            break;
        if (err == IMG_ERR_PERMANENT) { /* no topic yet: the subscription picks it up later */
            img_log_warn(NULL, "topic_missing", "%s", why);
            break;
        }
        if (attempt == 1 || attempt % 10 == 0)
            img_log_warn(NULL, "kafka_unavailable", "%s; retrying", why);
        if (pause_for(w, img_worker_backoff_ms(w, attempt)))
            return -1;
    }
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, w->cfg->kafka_requests_topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(w->consumer, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (err) {
        snprintf(errstr, n, "subscribe to %s: %s", w->cfg->kafka_requests_topic,
                 rd_kafka_err2str(err));
        return EX_CONFIG;
    }
    return EX_OK;
}

static void teardown(img_worker_t *w)
{
    /* Jobs first (they abandon their pipelines), then the clients. */
    w->destroying = true;
    while (w->jobs)
        img_wjob_free(w->jobs);
    img_kafka_destroy(w);
    for (int i = 0; i < 3; i++) {
        img_llm_destroy(w->llm[i]);
        if (w->llm_timer[i] > 0)
            close(w->llm_timer[i]);
    }
    img_llm_prices_destroy(w->prices);
    img_tax_destroy(w->tax);
    img_store_close(w->store);
    img_wo_free(&w->wo);
    if (w->tick_fd > 0)
        close(w->tick_fd);
    if (w->sig_fd > 0)
        close(w->sig_fd);
    if (w->ep > 0)
        close(w->ep);
}

int img_worker_run(const img_config_t *cfg)
{
    img_worker_t wk, *w = &wk;
    memset(w, 0, sizeof(*w));
    w->cfg = cfg;
    w->ep = w->sig_fd = w->tick_fd = -1;
    for (int i = 0; i < 2; i++)
        w->cq_pipe[i] = w->pq_pipe[i] = -1;
    for (int i = 0; i < 3; i++)
        w->llm_timer[i] = -1;
    img_wo_init(&w->wo);
    if (cfg->worker_id && *cfg->worker_id) {
        snprintf(w->owner, sizeof(w->owner), "%s", cfg->worker_id);
    } else {
        char host[64] = "worker";
        gethostname(host, sizeof(host) - 1);
        snprintf(w->owner, sizeof(w->owner), "%s-%ld", host, (long)getpid());
    }
    srand((unsigned)(getpid() ^ img_worker_now()));
    w->limits.max_message_bytes = cfg->worker_max_message_bytes;
    w->limits.max_document_bytes = cfg->max_document_bytes;

    char err[640], why[512];
    int rc = EX_OK;
    err[0] = '\0';
    if (setup_loop(w, err, sizeof(err))) {
        rc = EX_OSERR;
        goto out;
    }
    if (img_tax_new_builtin(&w->tax, why, sizeof(why)) != IMG_OK) {
        snprintf(err, sizeof(err), "built-in taxonomy: %s", why);
        rc = EX_SOFTWARE;
        goto out;
    }
    if ((rc = setup_llm(w, err, sizeof(err))) != EX_OK)
        goto out;
    if ((rc = setup_store(w, err, sizeof(err))) != EX_OK ||
        (rc = setup_kafka(w, err, sizeof(err))) != EX_OK) {
        if (rc < 0) /* stopped by a signal while waiting: nothing was taken */
            rc = EX_OK;
        goto out;
    }
    w->ready = true;
    img_log_info(NULL, "ready",
                 "worker=%s brokers=%s group=%s topic=%s max_inflight=%d providers=%s", w->owner,
                 cfg->kafka_brokers, cfg->kafka_group, cfg->kafka_requests_topic,
                 cfg->worker_max_inflight, w->plan.uses_llm ? cfg->llm_providers : "offline");
    sd_notify("READY=1");

    while (!w->fatal) {
        img_worker_loop_once(w, w->more_consume ? 0 : TICK_MS, true);
        if (w->draining && (w->n_dispatched == 0 || img_worker_now() >= w->drain_deadline))
            break;
    }
    if (w->fatal) {
        img_log_error(NULL, "exit", "fatal Kafka error; exiting without committing");
        rc = EX_TEMPFAIL;
        goto out;
    }
    /* Drained, or the deadline passed: what is still running is abandoned
     * (redelivered later, resuming from its checkpoints). */
    size_t abandoned = 0;
    img_wjob_t *next;
    for (img_wjob_t *j = w->jobs; j; j = next) {
        next = j->next;
        if (j->dispatched && !j->orphan) {
            abandoned++;
            img_wjob_abandon(j);
        }
    }
    int64_t left = w->drain_deadline - img_worker_now();
    img_kafka_close(w, left > 1000 ? (int)left : 1000);
    img_log_info(NULL, "drained", "abandoned=%zu", abandoned);
out:
    if (rc != EX_OK && err[0])
        fprintf(stderr, "imaginator worker: %s\n", err);
    if (!w->ready && rc == EX_OK && w->draining)
        img_log_info(NULL, "drained", "stopped before ready");
    teardown(w);
    return rc;
}

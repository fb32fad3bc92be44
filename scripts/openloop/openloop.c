// openloop: an open-loop HTTP/1.1 load generator for scripts/serve_bench.sh (issue 25's overload run).
//
// Requests are due at a fixed rate from one schedule, not per connection: request k is due at
// start + k / rate, and its latency is measured from then (so a stall anywhere, in the server or in
// waiting for a free connection, shows in the figures rather than slowing the offered load). A due
// request takes any idle connection, opens a new one while fewer than --connections are open, or
// waits for one. One thread, epoll, no allocation per request: it offers tens of thousands of requests
// a second on one core where wrk2 (a timer per connection) and serve-load (AsyncHTTPClient) top out
// near 10,000 over thousands of connections. It reports latency separately for answers below 400 and
// for 400 and above (the shed requests), and how late it sent requests, so its own lag is visible.
//
//   cc -O2 -o openloop scripts/openloop/openloop.c
//   openloop --port P --rate R --duration S [--connections C] [--texts FILE] [--texts-per-request N]
//            [--path /v1/score] [--warmup S]
//
// Bodies are {"texts":[...]} built from FILE's lines, N per request, cycling through the file.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { READ_BUFFER = 1 << 16 };

typedef struct {
    int fd;
    int busy;          // a request is in flight
    int connected;     // the TCP connection is up
    uint64_t request;  // index of the request in flight
    size_t sent;       // bytes of the request written so far
    char *response;    // bytes of the answer read so far
    size_t received;
} Connection;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void fail(const char *message) {
    fprintf(stderr, "openloop: %s\n", message);
    exit(2);
}

// --- the request bodies -------------------------------------------------------------------------

static char **requests;  // whole HTTP requests, cycled through
static size_t *request_lengths;
static size_t request_count;

static void append(char **buffer, size_t *length, size_t *capacity, const char *bytes, size_t count) {
    if (*length + count + 1 > *capacity) {
        while (*length + count + 1 > *capacity) *capacity = *capacity ? *capacity * 2 : 256;
        *buffer = realloc(*buffer, *capacity);
        if (!*buffer) fail("out of memory");
    }
    memcpy(*buffer + *length, bytes, count);
    *length += count;
    (*buffer)[*length] = 0;
}

static void append_json_string(char **buffer, size_t *length, size_t *capacity, const char *text) {
    append(buffer, length, capacity, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        char escaped[8];
        if (*c == '"' || *c == '\\') {
            escaped[0] = '\\';
            escaped[1] = (char)*c;
            append(buffer, length, capacity, escaped, 2);
        } else if (*c < 0x20) {
            snprintf(escaped, sizeof escaped, "\\u%04x", *c);
            append(buffer, length, capacity, escaped, 6);
        } else {
            append(buffer, length, capacity, (const char *)c, 1);
        }
    }
    append(buffer, length, capacity, "\"", 1);
}

static void build_requests(const char *texts_path, int per_request, const char *path) {
    char **lines = NULL;
    size_t line_count = 0, line_capacity = 0;
    if (texts_path) {
        FILE *file = fopen(texts_path, "r");
        if (!file) fail("cannot open the texts file");
        char *line = NULL;
        size_t size = 0;
        ssize_t read;
        while ((read = getline(&line, &size, file)) >= 0) {
            while (read > 0 && (line[read - 1] == '\n' || line[read - 1] == '\r')) line[--read] = 0;
            if (line_count == line_capacity) {
                line_capacity = line_capacity ? line_capacity * 2 : 1024;
                lines = realloc(lines, line_capacity * sizeof *lines);
            }
            lines[line_count++] = strdup(line);
        }
        free(line);
        fclose(file);
    }
    if (line_count == 0) {
        lines = malloc(sizeof *lines);
        lines[0] = strdup("great film");
        line_count = 1;
    }
    request_count = line_count / (size_t)per_request;
    if (request_count == 0) request_count = 1;
    requests = malloc(request_count * sizeof *requests);
    request_lengths = malloc(request_count * sizeof *request_lengths);
    for (size_t r = 0; r < request_count; r++) {
        char *body = NULL;
        size_t length = 0, capacity = 0;
        append(&body, &length, &capacity, "{\"texts\":[", 10);
        for (int j = 0; j < per_request; j++) {
            if (j > 0) append(&body, &length, &capacity, ",", 1);
            append_json_string(&body, &length, &capacity, lines[(r * (size_t)per_request + (size_t)j) % line_count]);
        }
        append(&body, &length, &capacity, "]}", 2);
        char head[512];
        int head_length = snprintf(
            head, sizeof head,
            "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
            path, length);
        char *request = malloc((size_t)head_length + length);
        memcpy(request, head, (size_t)head_length);
        memcpy(request + head_length, body, length);
        requests[r] = request;
        request_lengths[r] = (size_t)head_length + length;
        free(body);
    }
    for (size_t i = 0; i < line_count; i++) free(lines[i]);
    free(lines);
}

// --- latencies ------------------------------------------------------------------------------------

typedef struct {
    uint32_t *values;  // microseconds
    size_t count, capacity;
} Samples;

static void record(Samples *samples, uint64_t nanoseconds) {
    if (samples->count == samples->capacity) {
        samples->capacity = samples->capacity ? samples->capacity * 2 : 1 << 16;
        samples->values = realloc(samples->values, samples->capacity * sizeof *samples->values);
        if (!samples->values) fail("out of memory");
    }
    uint64_t micro = nanoseconds / 1000;
    samples->values[samples->count++] = micro > UINT32_MAX ? UINT32_MAX : (uint32_t)micro;
}

static int compare_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, Samples *samples) {
    if (samples->count == 0) {
        printf("%s: 0\n", name);
        return;
    }
    qsort(samples->values, samples->count, sizeof *samples->values, compare_u32);
    double quantiles[] = {0.5, 0.9, 0.99, 0.999};
    const char *labels[] = {"p50", "p90", "p99", "p99.9"};
    printf("%s: %zu", name, samples->count);
    for (int i = 0; i < 4; i++) {
        size_t index = (size_t)(quantiles[i] * (double)(samples->count - 1) + 0.5);
        printf(" %s %.3f ms", labels[i], samples->values[index] / 1000.0);
    }
    printf(" max %.3f ms\n", samples->values[samples->count - 1] / 1000.0);
}

// --- the loop -------------------------------------------------------------------------------------

static int epoll_fd;
static struct sockaddr_in address;
static Connection *connections;
static int open_connections, max_connections;
static int *idle;  // stack of idle, connected connections
static int idle_count;
static uint64_t *waiting;  // due requests without a connection, in order (a ring)
static size_t waiting_head, waiting_count, waiting_capacity;
static uint64_t start_ns, interval_ns, measure_from_ns;
static Samples accepted, refused, send_lag;
static uint64_t answered, errors, connect_failures;

static uint64_t due(uint64_t request) { return start_ns + request * interval_ns; }

static void start_sending(int index, uint64_t request);

static int open_connection(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    int index = open_connections++;
    Connection *c = &connections[index];
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->response = malloc(READ_BUFFER);
    struct epoll_event event = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u32 = (uint32_t)index};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
    return index;
}

static void reopen(int index) {
    Connection *c = &connections[index];
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0 && errno != EINPROGRESS) {
        connect_failures++;
    }
    c->fd = fd;
    c->busy = 0;
    c->connected = 0;
    c->received = 0;
    struct epoll_event event = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u32 = (uint32_t)index};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

// Hands the oldest waiting request, if any, to connection `index`, else marks it idle.
static void become_free(int index) {
    if (waiting_count > 0) {
        uint64_t request = waiting[waiting_head];
        waiting_head = (waiting_head + 1) % waiting_capacity;
        waiting_count--;
        start_sending(index, request);
    } else {
        idle[idle_count++] = index;
    }
}

static void try_write(int index) {
    Connection *c = &connections[index];
    const char *request = requests[c->request % request_count];
    size_t length = request_lengths[c->request % request_count];
    while (c->sent < length) {
        ssize_t written = send(c->fd, request + c->sent, length - c->sent, MSG_NOSIGNAL);
        if (written < 0) {
            if (errno == EAGAIN) return;
            errors++;
            reopen(index);
            return;
        }
        c->sent += (size_t)written;
    }
}

static void start_sending(int index, uint64_t request) {
    Connection *c = &connections[index];
    c->busy = 1;
    c->request = request;
    c->sent = 0;
    c->received = 0;
    uint64_t now = now_ns();
    if (due(request) >= measure_from_ns) record(&send_lag, now - due(request));
    try_write(index);
}

// Whether the bytes read so far hold a whole answer; sets its status and whether the server closes.
static int whole_answer(Connection *c, int *status, int *closes) {
    char *end = memmem(c->response, c->received, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t head_length = (size_t)(end - c->response) + 4;
    *status = atoi(c->response + 9);
    size_t content_length = 0;
    *closes = 0;
    for (char *line = c->response; line < end;) {
        char *next = memmem(line, (size_t)(end - line) + 2, "\r\n", 2);
        if (!next) break;
        if (strncasecmp(line, "content-length:", 15) == 0) content_length = strtoul(line + 15, NULL, 10);
        if (strncasecmp(line, "connection:", 11) == 0 && memmem(line, (size_t)(next - line), "close", 5)) *closes = 1;
        line = next + 2;
    }
    return c->received >= head_length + content_length;
}

static void try_read(int index) {
    Connection *c = &connections[index];
    for (;;) {
        if (c->received == READ_BUFFER) fail("an answer longer than the read buffer");
        ssize_t count = recv(c->fd, c->response + c->received, READ_BUFFER - c->received, 0);
        if (count < 0) {
            if (errno == EAGAIN) return;
            count = 0;
        }
        if (count == 0) {  // closed by the server
            if (c->busy) {
                errors++;  // the request in flight is lost
            } else {
                for (int i = 0; i < idle_count; i++) {
                    if (idle[i] == index) {
                        idle[i] = idle[--idle_count];
                        break;
                    }
                }
            }
            reopen(index);
            return;
        }
        c->received += (size_t)count;
        int status, closes;
        if (c->busy && whole_answer(c, &status, &closes)) {
            uint64_t now = now_ns();
            uint64_t was_due = due(c->request);
            if (was_due >= measure_from_ns) {
                record(status >= 400 ? &refused : &accepted, now - was_due);
                answered++;
            }
            c->busy = 0;
            c->received = 0;
            if (closes) {
                reopen(index);
            } else {
                become_free(index);
            }
            return;
        }
    }
}

int main(int argc, char **argv) {
    int port = 0, connections_wanted = 2048, per_request = 1;
    double rate = 0, duration = 0, warmup = 5;
    const char *texts = NULL, *path = "/v1/score";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rate")) rate = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--duration")) duration = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--warmup")) warmup = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--connections")) connections_wanted = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--texts")) texts = argv[i + 1];
        else if (!strcmp(argv[i], "--texts-per-request")) per_request = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--path")) path = argv[i + 1];
        else fail("unknown option (see the header of scripts/openloop/openloop.c)");
    }
    if (port <= 0 || rate <= 0 || duration <= 0 || connections_wanted <= 0 || per_request <= 0) {
        fail("usage: openloop --port P --rate R --duration S [--connections C] [--texts FILE] "
             "[--texts-per-request N] [--path P] [--warmup S]");
    }
    build_requests(texts, per_request, path);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    epoll_fd = epoll_create1(0);
    max_connections = connections_wanted;
    connections = calloc((size_t)max_connections, sizeof *connections);
    idle = malloc((size_t)max_connections * sizeof *idle);
    waiting_capacity = (size_t)(rate * (duration + warmup)) + 16;
    waiting = malloc(waiting_capacity * sizeof *waiting);
    struct epoll_event *events = malloc((size_t)max_connections * sizeof *events);

    interval_ns = (uint64_t)(1e9 / rate);
    start_ns = now_ns() + 1000000;  // 1 ms from now
    measure_from_ns = start_ns + (uint64_t)(warmup * 1e9);
    uint64_t end_ns = measure_from_ns + (uint64_t)(duration * 1e9);
    uint64_t next = 0;  // the next request to dispatch
    uint64_t total = (uint64_t)((warmup + duration) * rate);
    uint64_t sent_measured = 0;

    while (next < total || waiting_count > 0 || open_connections > idle_count) {
        uint64_t now = now_ns();
        // Dispatch every request due by now.
        while (next < total && due(next) <= now) {
            if (due(next) >= measure_from_ns) sent_measured++;
            if (idle_count > 0) {
                start_sending(idle[--idle_count], next);
            } else if (open_connections < max_connections) {
                int index = open_connection();
                if (index < 0) {
                    connect_failures++;
                } else {
                    connections[index].busy = 1;  // connecting: takes `next` once up
                    connections[index].request = next;
                    connections[index].sent = 0;
                }
            } else {
                waiting[(waiting_head + waiting_count) % waiting_capacity] = next;
                waiting_count++;
            }
            next++;
        }
        if (now > end_ns + 5000000000ull) break;  // answers more than 5 s late are not waited for
        struct timespec timeout = {0, 0};
        if (next < total) {
            uint64_t wait = due(next) > now ? due(next) - now : 0;
            timeout.tv_sec = (time_t)(wait / 1000000000u);
            timeout.tv_nsec = (long)(wait % 1000000000u);
        } else {
            timeout.tv_nsec = 10000000;  // 10 ms while the last answers arrive
        }
        int ready = epoll_pwait2(epoll_fd, events, max_connections, &timeout, NULL);
        for (int e = 0; e < ready; e++) {
            int index = (int)events[e].data.u32;
            Connection *c = &connections[index];
            if (events[e].events & (EPOLLERR | EPOLLHUP) && !c->connected) {
                connect_failures++;
                c->busy = 0;
                reopen(index);
                continue;
            }
            if (!c->connected && (events[e].events & EPOLLOUT)) {
                c->connected = 1;
                if (c->busy) {
                    uint64_t request = c->request;
                    start_sending(index, request);
                } else {
                    become_free(index);
                }
            }
            if (events[e].events & EPOLLOUT && c->busy) try_write(index);
            if (events[e].events & EPOLLIN) try_read(index);
        }
    }
    printf("offered %.0f/s for %.1f s (after %.1f s of warm-up) over at most %d connections (%d opened)\n", rate,
           duration, warmup, max_connections, open_connections);
    printf("due %lu, answered %lu, errors %lu, connect failures %lu, still waiting or in flight %lu\n",
           (unsigned long)sent_measured, (unsigned long)answered, (unsigned long)errors,
           (unsigned long)connect_failures, (unsigned long)(sent_measured - answered));
    report("below 400 (admitted)", &accepted);
    report("400 and above (refused)", &refused);
    report("send lag (generator)", &send_lag);
    return 0;
}

// The kernel's floor for a fan-out over loopback TCP: what one line per recipient costs the sending process when it
// does nothing else. `send-floor serve` accepts N connections and, R times a second, writes one line to each of them
// with one send() apiece (the pattern of scenarios a, b and e at a human pace), then prints its own CPU time per
// million sends. `send-floor read` connects N sockets and reads everything with one epoll loop, as a client swarm
// would (run.sh also uses it to hold the idle floor's 10,000 connections). On loopback the sender's send() also runs the receiver's TCP input and wakes it, so this is the least CPU
// any chat server can spend per delivery when each delivery is its own segment. See docs/benchmarking.md.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double monotonic_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

static double seconds(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static struct sockaddr_in loopback(int port)
{
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    return address;
}

static int serve(int clients, int port, double fanouts_per_second, double duration, int line_bytes)
{
    struct sockaddr_in address = loopback(port);
    int one = 1;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) || listen(listener, 4096))
        die("listen");

    int *recipients = malloc(clients * sizeof *recipients);
    for (int i = 0; i < clients; i++)
    {
        if ((recipients[i] = accept(listener, NULL, NULL)) < 0)
            die("accept");
        setsockopt(recipients[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); // as ChatRoom sends
    }

    char *line = malloc(line_bytes);
    memset(line, 'x', line_bytes - 1);
    line[line_bytes - 1] = '\n';

    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    double start = monotonic_seconds(), next = start;
    long sends = 0, short_sends = 0;
    while (monotonic_seconds() - start < duration)
    {
        for (int i = 0; i < clients; i++)
        {
            if (send(recipients[i], line, line_bytes, MSG_NOSIGNAL) == line_bytes)
                sends++;
            else
                short_sends++;
        }

        // Paced by an absolute schedule: a fan-out that ran late is not made up for by sleeping less later.
        next += 1.0 / fanouts_per_second;
        double wait = next - monotonic_seconds();
        if (wait > 0)
        {
            struct timespec pause = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};
            nanosleep(&pause, NULL);
        }
    }
    double elapsed = monotonic_seconds() - start;
    getrusage(RUSAGE_SELF, &after);

    double user = seconds(after.ru_utime) - seconds(before.ru_utime);
    double kernel = seconds(after.ru_stime) - seconds(before.ru_stime);
    printf("clients %5d  sends/s %9.0f (owed %9.0f)  CPU %5.1f %% (kernel %3.0f %%)  "
           "CPU-s per million sends %5.2f%s\n",
           clients, sends / elapsed, clients * fanouts_per_second, 100 * (user + kernel) / elapsed,
           100 * kernel / (user + kernel), 1e6 * (user + kernel) / sends,
           short_sends ? "  (some sends were short: the reader fell behind)" : "");
    return 0;
}

static int read_all(int clients, int port)
{
    struct sockaddr_in address = loopback(port);
    int poller = epoll_create1(0);
    for (int i = 0; i < clients; i++)
    {
        int client = socket(AF_INET, SOCK_STREAM, 0);
        // The server may still be starting: retry a refused first connection for up to 5 s.
        for (int attempt = 0; connect(client, (struct sockaddr *)&address, sizeof address); attempt++)
        {
            if (i > 0 || errno != ECONNREFUSED || attempt == 50)
                die("connect");
            usleep(100 * 1000);
        }
        struct epoll_event interest = {.events = EPOLLIN, .data.fd = client};
        epoll_ctl(poller, EPOLL_CTL_ADD, client, &interest);
    }

    static char buffer[64 * 1024];
    struct epoll_event ready[256];
    for (;;)
    {
        int count = epoll_wait(poller, ready, 256, -1);
        if (count < 0 && errno != EINTR)
            die("epoll_wait");
        for (int i = 0; i < count; i++)
        {
            if (read(ready[i].data.fd, buffer, sizeof buffer) <= 0)
                return 0; // the server is done
        }
    }
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "serve") == 0)
        return serve(atoi(argv[2]), atoi(argv[3]), atof(argv[4]), atof(argv[5]), atoi(argv[6]));
    if (argc == 4 && strcmp(argv[1], "read") == 0)
        return read_all(atoi(argv[2]), atoi(argv[3]));
    fprintf(stderr, "usage: send-floor serve <clients> <port> <fan-outs per second> <seconds> <line bytes>\n"
                    "       send-floor read <clients> <port>\n");
    return 2;
}

/* Native fib(20), the floor for the `fib(20)` row of `cargo bench -p krl-jit --bench tiers`:
 * the same doubly recursive function on doubles (KRL numbers are IEEE doubles), timed
 * in-process: WARM_UP calls, then RUNS calls, printing one JSON line with the median and the
 * fastest call in microseconds.
 *
 *   cc -O2 -o /tmp/fib bench/fib.c && /tmp/fib [RUNS]
 *
 * `noinline` and the volatile argument keep the compiler from folding the call into a
 * constant or turning the recursion into a loop over one branch. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define WARM_UP 100

__attribute__((noinline)) static double fib(double n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 1000;
    if (runs < 1) runs = 1;
    volatile double input = 20;
    double *times = malloc(sizeof(double) * (size_t)runs);
    if (!times) return 1;
    double answer = 0;
    for (int i = 0; i < WARM_UP; i++) answer = fib(input);
    if (answer != 6765) {
        fprintf(stderr, "fib(20) answered %g\n", answer);
        return 1;
    }
    for (int i = 0; i < runs; i++) {
        double start = now_us();
        answer += fib(input);
        times[i] = now_us() - start;
    }
    qsort(times, (size_t)runs, sizeof(double), by_value);
    printf("{\"workload\":\"fib(20)\",\"runs\":%d,\"median_us\":%.2f,\"min_us\":%.2f,\"sum\":%g}\n",
           runs, times[runs / 2], times[0], answer);
    free(times);
    return 0;
}

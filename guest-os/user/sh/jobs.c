/* jobs.c: background jobs. The shell remembers each one it starts; an
 * interactive shell collects the finished ones before each prompt and
 * tells how they ended, and `wait` finds their status even if they were
 * collected earlier. Also: how a wait status becomes $? (128 + signal
 * for a killed process) and the line bash prints for a killed job. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "sh.h"

pid_t last_bg_pid;

struct job {
    pid_t pid;
    int done, status;
    char *text;
    struct job *next;
};

static struct job *jobs;

void job_add(pid_t pid, const char *text)
{
    struct job *j = calloc(1, sizeof *j);
    if (!j)
        return;
    j->pid = pid;
    j->text = strdup(text ? text : "");
    j->next = jobs;
    jobs = j;
}

static struct job *find(pid_t pid)
{
    for (struct job *j = jobs; j; j = j->next)
        if (j->pid == pid)
            return j;
    return NULL;
}

static void forget(struct job *j)
{
    for (struct job **p = &jobs; *p; p = &(*p)->next) {
        if (*p == j) {
            *p = j->next;
            free(j->text);
            free(j);
            return;
        }
    }
}

int status_of(int ws)
{
    if (WIFSIGNALED(ws))
        return 128 + WTERMSIG(ws);
    return WEXITSTATUS(ws);
}

/* As bash: nothing for an interrupt but a new line, the signal's
 * description otherwise. */
void report_signal(int ws)
{
    int sig = WTERMSIG(ws);
    if (sig == SIGINT) {
        if (interactive)
            fputs("\n", stderr);
        return;
    }
    fprintf(stderr, "%s%s\n", strsignal(sig), WCOREDUMP(ws) ? " (core dumped)" : "");
}

void job_done(pid_t pid, int status)
{
    struct job *j = find(pid);
    if (j) {
        j->done = 1;
        j->status = status;
    }
}

void jobs_reap(void)
{
    int ws;
    pid_t pid;
    while ((pid = waitpid(-1, &ws, WNOHANG)) > 0)
        job_done(pid, ws);
    for (struct job *j = jobs, *next; j; j = next) {
        next = j->next;
        if (!j->done)
            continue;
        if (WIFSIGNALED(j->done ? j->status : 0))
            fprintf(stderr, "[%d] %s\t%s\n", (int)j->pid, strsignal(WTERMSIG(j->status)), j->text);
        else if (WEXITSTATUS(j->status))
            fprintf(stderr, "[%d] Exit %d\t%s\n", (int)j->pid, WEXITSTATUS(j->status), j->text);
        else
            fprintf(stderr, "[%d] Done\t%s\n", (int)j->pid, j->text);
        forget(j);
    }
}

int job_wait(pid_t pid, int *status)
{
    struct job *j = find(pid);
    if (!j)
        return -1;
    while (!j->done) {
        int ws;
        pid_t r = waitpid(pid, &ws, 0);
        if (r == pid) {
            j->done = 1;
            j->status = ws;
        } else if (r < 0 && errno != EINTR) {
            forget(j);
            return -1;
        }
    }
    *status = j->status;
    forget(j);
    return 0;
}

int job_wait_all(void)
{
    while (jobs) {
        int ws;
        job_wait(jobs->pid, &ws);
    }
    return 0;
}

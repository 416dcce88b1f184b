/*
 * event.h: event objects: a flag threads can block on until it is set.
 */
#ifndef KERNEL_EVENT_H
#define KERNEL_EVENT_H

#include <stdbool.h>

struct object;

/* Creates an event (flags: EVENT_MANUAL_RESET, EVENT_SIGNALED). */
struct object *event_create(unsigned flags);
/* Whether o is an event. */
bool object_is_event(const struct object *o);
/* Sets it; safe from interrupt handlers (drivers complete I/O this way). */
void event_signal(struct object *o);

#endif

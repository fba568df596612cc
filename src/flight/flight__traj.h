/*
 * flight__traj.h — private helpers for building jmd_trajectory values
 * (src/flight/trajectory.c).
 */
#ifndef JMD_FLIGHT__TRAJ_H
#define JMD_FLIGHT__TRAJ_H

#include "jmd/flight.h"

/* Append one sample (copied); grows the array geometrically.
 * JMD_ENOMEM on allocation failure (the trajectory is unchanged);
 * JMD_EINVAL when s->t is earlier than the last sample. A sample at the
 * same time as the last one replaces it. */
int jmd__traj_push(jmd_trajectory *tr, const jmd_state *s);
/* Record an event (copied); JMD_ERANGE when JMD_MAX_EVENTS are held. */
int jmd__traj_event(jmd_trajectory *tr, int kind, int stage, const jmd_state *s);
/* Empty the trajectory but keep its allocation. */
void jmd__traj_clear(jmd_trajectory *tr);

#endif

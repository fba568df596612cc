/*
 * jmd/engage.h — threat evaluation and engagement: predicted impact point
 * and its uncertainty from a track, the defended assets at risk, launch
 * windows per firing site from the reach model, weapon–target assignment,
 * shoot-look-shoot, inventory, launchers and reload, kill assessment.
 *
 * Configuration structs are plain data filled by the scenario loader (SI,
 * radians). Pure policy and physics: no I/O, no global state; random draws
 * (kill outcomes) only from streams the caller passes.
 */
#ifndef JMD_ENGAGE_H
#define JMD_ENGAGE_H

#include "jmd/error.h"
#include "jmd/flight.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A defended asset (a city, a base). */
typedef struct {
    char name[JMD_NAME_MAX];
    int owner;               /* party index */
    double lat, lon;         /* rad */
    double value;            /* relative value (> 0) for weapon-target assignment */
    double radius;           /* m: an impact within this distance destroys the asset (lethal radius) */
} jmd_asset;

/* A firing site (a battery, an Aegis Ashore site, a ship held at a point). */
typedef struct {
    char name[JMD_NAME_MAX];
    int owner;               /* party index */
    double lat, lon, h;      /* rad / m */
    jmd_interceptor ic;      /* interceptor class (copied from the catalogue) */
    int inventory;           /* interceptors on hand */
    int launchers;           /* simultaneous launch positions */
    double reload;           /* s for a launcher to be ready again after a launch */
    double pk;               /* single-shot kill probability, [0, 1] */
    double assess_delay;     /* s after an intercept before its kill assessment is known */
} jmd_site;

#ifdef __cplusplus
}
#endif
#endif /* JMD_ENGAGE_H */

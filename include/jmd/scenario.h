/*
 * jmd/scenario.h — scenario files (YAML 1.2) to a validated world.
 *
 * A scenario names the epoch, duration, step and seed of a run; the
 * parties with their territories and defended assets; the sensors (radars
 * and infrared early-warning satellites); the firing sites; the threats;
 * catalogue entries (inline or by include); the governance knobs of every
 * cooperation model, the links between parties (latency, loss) and the
 * release policies per pair of parties.
 * docs/scenario.md is the schema: every key, its unit, default and meaning.
 *
 * The loader checks everything it reads and says where a problem is:
 * "raid.yaml:14:7: sensors[2].range_km: expected a positive number, found
 * "far"" — unknown keys (with the nearest valid key), missing keys, wrong
 * types, values out of range (the range is stated), references to
 * undefined parties, assets, vehicles or interceptors, duplicate names,
 * polygons that are not simple, YAML syntax errors. Input is capped at
 * JMD_SCENARIO_MAX_BYTES and every list has a cap, so no input makes it
 * crash, hang or use more than linear memory.
 *
 * The validated world (jmd_scenario) is plain data in SI units and
 * radians, laid out for the simulation engine: arrays with counts,
 * references as indices (owner = index into parties, target = index into
 * assets), sensor and site records in the very structs the sensor and
 * engage modules use, catalogue records copied into the sites and threats
 * that use them, and salvos expanded into one threat per missile.
 *
 * Ownership: a jmd_scenario is allocated by the loader and owned by the
 * caller, who releases it (and everything it points to) with
 * jmd_scenario_free(). It holds no pointer into the input text.
 *
 * Workload: cold — one file at start-up.
 */
#ifndef JMD_SCENARIO_H
#define JMD_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "jmd/common.h"
#include "jmd/engage.h"
#include "jmd/flight.h"
#include "jmd/govern.h"
#include "jmd/sensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest scenario text accepted (bytes). */
#define JMD_SCENARIO_MAX_BYTES (1u << 20)

/* Caps on list lengths (documented in docs/scenario.md). */
#define JMD_SCENARIO_MAX_PARTIES 32
#define JMD_SCENARIO_MAX_ASSETS 4096
#define JMD_SCENARIO_MAX_SENSORS 1024
#define JMD_SCENARIO_MAX_SITES 1024
#define JMD_SCENARIO_MAX_THREATS 10000   /* after salvo expansion */
#define JMD_SCENARIO_MAX_SALVO 1000
#define JMD_SCENARIO_MAX_INCLUDES 16
#define JMD_SCENARIO_MAX_POLYGON 2000    /* vertices of one polygon */
#define JMD_SCENARIO_MAX_VERTICES 20000  /* vertices of all polygons together */
#define JMD_SCENARIO_MAX_PAIRS (JMD_SCENARIO_MAX_PARTIES * (JMD_SCENARIO_MAX_PARTIES - 1))
                                         /* entries of `links` and of `release` (one per pair) */

/* jmd_latlon and jmd_polygon are defined in jmd/common.h. */

typedef struct {
    char name[JMD_NAME_MAX];
    jmd_polygon *territory;  /* the party's territory: zero or more polygons */
    size_t nterritory;
    jmd_polygon *sector;     /* its sector under the sectoral model: zero or more polygons */
    size_t nsector;
} jmd_party;

/* One threat missile (a salvo of k is k entries, see `name`). */
typedef struct {
    char name[JMD_NAME_MAX]; /* as declared; in a salvo of k > 1: "NAME-1" .. "NAME-k" */
    int decl;                /* index of the declaring entry in the file's `threats` list */
    int salvo_index;         /* 0-based position in its salvo */
    jmd_vehicle veh;         /* the vehicle, copied from the catalogue */
    double lat0, lon0;       /* launch point, geodetic rad */
    double lat1, lon1;       /* aim point, geodetic rad */
    int target;              /* asset index when aimed by `target:`, else -1 */
    double t_launch;         /* s since epoch: declared launch time + salvo_index * spacing */
    jmd_traj_type traj;      /* minimum-energy, lofted or depressed */
    double apogee;           /* m, for lofted/depressed (<= 0: at full burn); 0 for minimum-energy */
    double rcs;              /* m^2, radar cross-section of the re-entry vehicle */
} jmd_threat;

/* jmd_gov_model, jmd_quorum_kind, jmd_governance, jmd_dist, jmd_link and
 * jmd_release_policy are defined in jmd/govern.h. */

/* The `strategic:` section (the transparency analysis, jmd/assure.h): one
 * party's strategic forces as the places, vehicles and trajectory types
 * from which `jmd assure` samples trajectories. */
typedef struct {
    char name[JMD_NAME_MAX];
    double lat, lon;         /* rad: the point, or for a polygon the mean of its vertices */
    jmd_polygon area;        /* polygon area (area.n >= 3), or n = 0 for a point */
} jmd_strategic_area;

typedef struct {
    jmd_traj_type type;      /* minimum-energy, lofted or depressed */
    double apogee;           /* m, for lofted/depressed (<= 0: at full burn); 0 for minimum-energy */
} jmd_strategic_traj;

typedef struct {
    int party;                      /* party index */
    jmd_strategic_area *launch;     /* launch areas (points or polygons) */
    size_t nlaunch;
    jmd_strategic_area *targets;    /* aim points (area.n = 0) */
    size_t ntargets;
    jmd_vehicle *vehicles;          /* vehicle classes, copied from the catalogue */
    size_t nvehicles;
    jmd_strategic_traj *trajs;      /* trajectory types */
    size_t ntrajs;
    double rcs;                     /* m^2, RV radar cross-section (default 0.1) */
} jmd_strategic;

#define JMD_SCENARIO_MAX_STRATEGIC_AREAS 256 /* launch areas or targets of one party */
#define JMD_SCENARIO_MAX_STRATEGIC_KINDS 16  /* vehicles or trajectory types of one party */

/* The validated world. Every array holds its count; empty arrays are NULL
 * with count 0. */
typedef struct {
    char name[128];            /* scenario title (`name`), may be empty */
    char epoch[40];            /* `epoch` as written, ISO 8601 UTC */
    int64_t epoch_unix;        /* the epoch, whole s since 1970-01-01T00:00:00Z (no leap s) */
    double epoch_frac;         /* fraction of a second, [0, 1) */
    double duration;           /* s of simulated time after the epoch */
    double step;               /* s, engine time step */
    uint64_t seed;             /* run seed (jmd/rng.h) */
    char federation[1024];     /* `federation`: the federation file's path (relative paths
                                  resolved against the scenario's folder), "" if none */

    jmd_party *parties;
    size_t nparties;
    jmd_asset *assets;         /* every party's assets, in file order; owner = party index */
    size_t nassets;
    jmd_radar *radars;         /* sensors of type radar, in file order */
    size_t nradars;
    jmd_irsat *irsats;         /* sensors of type ir-satellite, in file order */
    size_t nirsats;
    jmd_site *sites;           /* interceptor copied from the catalogue */
    size_t nsites;
    jmd_threat *threats;       /* salvos expanded, in file order */
    size_t nthreats;
    size_t nthreat_decls;      /* entries of the file's `threats` list */

    jmd_catalogue cat;         /* built-in (unless builtin_catalogue: false) + includes + inline */
    jmd_governance gov;        /* gov.model is the model of a single run; every model's knobs
                                  are read whatever it says (`jmd run --models all`) */

    /* Per party and per ordered pair of parties (n = nparties; pair arrays
     * are n * n, row = sender: [from * n + to]; the diagonal is unused and
     * zero). All are allocated whenever nparties >= 1. */
    jmd_dist *party_latency;   /* [n] human decision latency of each party's vote: its own
                                  `decision_latency_s`, else governance.decision_latency_s
                                  (default fixed 0). Fields used per kind: fixed and
                                  exponential `mean`; lognormal `mean`, `sd`; uniform `min`,
                                  `max` (and `mean` = their midpoint); the others are 0 */
    jmd_link *links;           /* [n * n] latency (s) and loss of each one-way link: the
                                  `links` entry, else `link_default` (0.5 s, 0) */
    jmd_release_policy *release; /* [n * n] what the sender releases to the receiver, where
                                  release_set says the scenario set it (`release` entry, else
                                  `release_default`); precision in m, delay in s */
    unsigned char *release_set;  /* [n * n] 1: release[] holds the scenario's policy for the
                                  pair; 0: release[] is zero and the model's own default
                                  policy applies (jmd/govern.h) */

    /* Added after the first release of this struct: the `strategic:`
     * section, at most one entry per party, in file order. */
    jmd_strategic *strategic;
    size_t nstrategic;
} jmd_scenario;

/* Parses scenario text (len bytes, need not be NUL-terminated). `name`
 * labels messages (a file name; NULL: "<input>"); `base_dir` is the folder
 * against which `include:` paths are resolved (NULL or "": the current
 * directory; absolute include paths are used as they are). On success
 * *out is a new scenario owned by the caller. On error *out is NULL, err
 * (errlen bytes, always NUL-terminated when errlen > 0) holds one line
 * "name:line:col: path: expected ..., found ...", and the return value is
 * JMD_EPARSE (bad text), JMD_EIO (an include cannot be read), JMD_ENOMEM
 * or JMD_EINVAL (NULL arguments). */
int jmd_scenario_parse(const char *text, size_t len, const char *name, const char *base_dir,
                       jmd_scenario **out, char *err, size_t errlen);

/* Reads and parses a file; includes are resolved against its folder.
 * JMD_EIO when it cannot be read; otherwise as jmd_scenario_parse. */
int jmd_scenario_load(const char *path, jmd_scenario **out, char *err, size_t errlen);

/* Releases a scenario; accepts NULL. */
void jmd_scenario_free(jmd_scenario *s);

/* Lookups by exact name: the index, or -1 when absent. */
int jmd_scenario_party(const jmd_scenario *s, const char *name);
int jmd_scenario_asset(const jmd_scenario *s, const char *name);


#ifdef __cplusplus
}
#endif
#endif /* JMD_SCENARIO_H */

/*
 * flight__prop.h — private interface between the flight module's physics
 * files: the atmosphere's fast density (atmosphere.c), the point-mass
 * propagator with its events (propagate.c), powered flight (booster.c) and
 * targeting (target.c).
 *
 * A flight is integrated as a chain of arcs. Within an arc the force model
 * is smooth (one stage burning, or coasting), so the adaptive integrator
 * never steps across a discontinuity: stage burnouts, the pitch kick and
 * thrust termination are arc boundaries placed exactly at their times.
 * Workload: hot — a targeting solve runs tens of flights, each thousands of
 * right-hand-side evaluations; nothing here allocates except the
 * trajectory's own sample array.
 */
#ifndef JMD_FLIGHT__PROP_H
#define JMD_FLIGHT__PROP_H

#include "jmd/flight.h"

/* Second zonal harmonic of the EGM96 geopotential used with WGS-84:
 * J2 = -sqrt(5) * C(2,0) with the normalised C(2,0) = -0.484166774985e-3
 * (NIMA TR8350.2, 3rd ed., Table 5.3 / EGM96, Lemoine et al. 1998). */
#define JMD__J2 1.08262668e-3

/* Density (kg/m^3) of the US Standard Atmosphere 1976 at geometric height
 * h (m), for the equations of motion: no argument checks, heights below
 * -5 km take the -5 km value, heights above 1,000 km the exponential
 * extrapolation of jmd_atmosphere(). Never negative, never NaN for a
 * finite or infinite h. */
double jmd__atm_density(double h);

/* The force model of one arc. */
typedef struct {
    int j2;          /* 1: J2 gravity */
    int drag;        /* 1: aerodynamic drag */
    int thrust;      /* 1: engine burning */
    int vertical;    /* with thrust: 1 thrust along the local vertical (before the kick),
                        0 along the Earth-relative velocity (gravity turn) */
    double t_ign;    /* s, time at which mass == m_ign */
    double m_ign;    /* kg */
    double mdot;     /* kg/s, propellant flow (0 when coasting) */
    double force;    /* N, thrust */
    double cda;      /* m^2, Cd * A while burning (drag = cda * q / m) */
    double inv_beta; /* m^2/kg, 1 / ballistic coefficient while coasting (0: no drag) */
    double dir0[3];  /* gravity turn: thrust direction (ECI unit vector) while the
                        Earth-relative speed is below 1 m/s, i.e. a kick given at rest;
                        zero: the local vertical */
} jmd__arc;

/* State of one flight being integrated across its arcs. */
typedef struct {
    const jmd_flight_opts *opts;
    jmd_trajectory *tr; /* samples and events are appended here */
    int dense;          /* 1: samples every opts->output_step; 0: events and arc ends only */
    double grid0;       /* s, origin of the output grid */
    double k_next;      /* index of the next grid sample (grid0 + k_next * step) */
    double t_stop;      /* s, absolute end of the flight (start + max_time) */
    int apogee_done;    /* the first apogee has been recorded */
    int reentry_done;   /* the first re-entry has been recorded */
    long rhs_calls;     /* right-hand-side evaluations (for docs/benchmarks) */
} jmd__run;

/* Start a run: the caller has pushed the first sample at t_start. */
void jmd__run_init(jmd__run *run, const jmd_flight_opts *opts, jmd_trajectory *tr, int dense,
                   double t_start);

/* Integrate the arc from (*t, y) to t_end (clipped to run->t_stop), or to
 * impact. On return *t and y hold the final state, which is also pushed as
 * a sample; *impact is 1 when the flight ended at impact (the event is
 * recorded). Events crossed on the way (apogee, re-entry) are recorded.
 * Returns 0, JMD_ENOMEM, JMD_ERANGE (too many events) or JMD_ENOCONV (the
 * step size collapsed, the state left the domain of the model, or the step
 * budget ran out). */
int jmd__arc_run(jmd__run *run, const jmd__arc *arc, double *t, double y[6], double t_end,
                 int *impact);

/* Check a jmd_flight_opts: JMD_EINVAL unless every field is usable. */
int jmd__opts_check(const jmd_flight_opts *o);

/* Geodetic height (m) of an ECI position (the height does not depend on
 * the Earth's rotation angle). */
double jmd__height(const double r[3]);

/* Check a vehicle: JMD_EINVAL for NULL, non-finite or out-of-range fields,
 * nstages outside 1..JMD_MAX_STAGES, negative masses, propellant >= gross
 * mass, non-positive Isp or burn time. */
int jmd__vehicle_check(const jmd_vehicle *veh);

/* jmd_flight_fly with a choice of output: dense = 0 keeps only the launch,
 * arc-end and event samples (for the targeting inner loops, which read the
 * events only). `out` is emptied first; its allocation is reused. */
int jmd__fly(const jmd_vehicle *veh, const jmd_launch *launch, const jmd_flight_opts *opts,
             int dense, jmd_trajectory *out);

/* Total burn time of the vehicle (s): the sum of the stages' burn times. */
double jmd__burn_total(const jmd_vehicle *veh);

#endif /* JMD_FLIGHT__PROP_H */

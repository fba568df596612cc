/*
 * booster.c — powered flight of a multi-stage ballistic missile and its
 * free flight to impact (jmd_flight_fly).
 *
 * The flight program is the textbook one for analyses of ballistic
 * missiles (e.g. Wheelon, "Free flight of a ballistic missile", ARS
 * Journal 1959; Forden, "GUI_Missile_Flyout", Science & Global Security 15,
 * 2007): a vertical rise for vehicle->vertical_time seconds with the
 * thrust along the local (geodetic) vertical; then a pitch kick that turns
 * the Earth-relative velocity, at constant speed, to `kick` from the
 * vertical in the plane of the launch azimuth; then a gravity turn with the
 * thrust along the Earth-relative velocity (zero angle of attack).
 * Stages burn back to back at constant mass flow (thrust = mdot * Isp *
 * g0, vacuum Isp, no back-pressure loss: the catalogue's Isp is an
 * effective value tuned to published ranges); each spent stage drops its
 * dry mass at burnout. Thrust may be terminated at launch->cutoff seconds
 * (energy management): the burning stage is dropped with its remaining
 * propellant. From the last burnout the re-entry vehicle flies alone with
 * its ballistic coefficient.
 *
 * Every discontinuity (kick, burnouts, cut-off) is an arc boundary of the
 * integrator, landed on exactly, so burnout states are exact to the
 * integrator's tolerance and the impact point depends smoothly on the
 * launch parameters, which targeting (target.c) relies on.
 *
 * Workload: one call per threat in a scenario, tens per targeting solve.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "flight/flight__prop.h"
#include "flight/flight__traj.h"
#include "jmd/geo.h"

#define BO_PI 3.14159265358979323846

int jmd__vehicle_check(const jmd_vehicle *veh)
{
    if (!veh) return JMD_EINVAL;
    if (veh->nstages < 1 || veh->nstages > JMD_MAX_STAGES) return JMD_EINVAL;
    for (int i = 0; i < veh->nstages; i++) {
        const jmd_stage *s = &veh->stage[i];
        /* Bounds far outside any missile keep sums and products finite. */
        if (!(s->mass_gross > 0.0 && s->mass_gross < 1e9)) return JMD_EINVAL;
        if (!(s->mass_prop > 0.0 && s->mass_prop < s->mass_gross)) return JMD_EINVAL;
        if (!(s->isp > 0.0 && s->isp < 1e4)) return JMD_EINVAL;
        if (!(s->burn_time > 0.0 && s->burn_time < 1e5)) return JMD_EINVAL;
        if (!(s->area >= 0.0 && s->area < 1e4)) return JMD_EINVAL;
        if (!(s->cd >= 0.0 && s->cd < 100.0)) return JMD_EINVAL;
    }
    if (!(veh->payload_mass > 0.0 && veh->payload_mass < 1e9)) return JMD_EINVAL;
    /* rv_beta: > 0 finite, or 0 / +inf for no drag. */
    if (isnan(veh->rv_beta) || veh->rv_beta < 0.0) return JMD_EINVAL;
    if (!(veh->vertical_time >= 0.0 && veh->vertical_time < 1e4)) return JMD_EINVAL;
    return 0;
}

double jmd__burn_total(const jmd_vehicle *veh)
{
    double t = 0.0;
    for (int i = 0; i < veh->nstages; i++)
        t += veh->stage[i].burn_time;
    return t;
}

static int bo_launch_check(const jmd_launch *l)
{
    if (!l) return JMD_EINVAL;
    if (!(fabs(l->lat) <= BO_PI / 2) || !isfinite(l->lon)) return JMD_EINVAL;
    if (!(l->h >= -5000.0 && l->h <= 1e5)) return JMD_EINVAL;
    if (!isfinite(l->t0) || fabs(l->t0) > 1e12) return JMD_EINVAL;
    if (!isfinite(l->azimuth) || fabs(l->azimuth) > 100.0) return JMD_EINVAL;
    if (!(l->kick >= 0.0 && l->kick < BO_PI / 2)) return JMD_EINVAL;
    if (!isfinite(l->cutoff)) return JMD_EINVAL;
    return 0;
}

/* Turn the Earth-relative velocity to `kick` from the local vertical on
 * `azimuth`, keeping its magnitude. */
static void bo_kick(double y[6], double azimuth, double kick, double dir[3])
{
    double *r = y, *v = y + 3, lat, lon, h;
    if (jmd_geo_from_ecef(r, &lat, &lon, &h) != 0) return;
    double lam = atan2(r[1], r[0]); /* inertial longitude: ENU axes in ECI */
    double cl = cos(lat), sl = sin(lat), cm = cos(lam), sm = sin(lam);
    double up[3] = {cl * cm, cl * sm, sl};
    double east[3] = {-sm, cm, 0.0};
    double north[3] = {-sl * cm, -sl * sm, cl};
    double wxr[3] = {-JMD_EARTH_OMEGA * r[1], JMD_EARTH_OMEGA * r[0], 0.0};
    double vr[3] = {v[0] - wxr[0], v[1] - wxr[1], v[2] - wxr[2]};
    double speed = jmd_vec_norm(vr);
    double ck = cos(kick), sk = sin(kick), sa = sin(azimuth), ca = cos(azimuth);
    for (int i = 0; i < 3; i++) {
        dir[i] = ck * up[i] + sk * (sa * east[i] + ca * north[i]);
        v[i] = speed * dir[i] + wxr[i];
    }
}

int jmd__fly(const jmd_vehicle *veh, const jmd_launch *launch, const jmd_flight_opts *opts,
             int dense, jmd_trajectory *out)
{
    jmd__run run;
    jmd__arc arc;
    jmd_state st;
    double ecef[3], y[6], t;
    int rc, impact = 0;

    if (!out) return JMD_EINVAL;
    if ((rc = jmd__vehicle_check(veh)) != 0) return rc;
    if ((rc = bo_launch_check(launch)) != 0) return rc;
    if ((rc = jmd__opts_check(opts)) != 0) return rc;

    /* Lift-off needs thrust above weight. */
    double m = veh->payload_mass;
    for (int i = 0; i < veh->nstages; i++)
        m += veh->stage[i].mass_gross;
    const jmd_stage *s0 = &veh->stage[0];
    if (s0->mass_prop / s0->burn_time * s0->isp * JMD_G0 <= m * JMD_G0) return JMD_EINVAL;

    jmd__traj_clear(out);
    if ((rc = jmd_geo_to_ecef(launch->lat, launch->lon, launch->h, ecef)) != 0) goto fail;
    if ((rc = jmd_geo_ecef_to_eci(launch->t0, ecef, y)) != 0) goto fail;
    /* At rest on the rotating Earth: v = w x r. */
    y[3] = -JMD_EARTH_OMEGA * y[1];
    y[4] = JMD_EARTH_OMEGA * y[0];
    y[5] = 0.0;
    t = launch->t0;
    st.t = t;
    memcpy(st.r, y, sizeof st.r);
    memcpy(st.v, y + 3, sizeof st.v);
    if ((rc = jmd__traj_push(out, &st)) != 0) goto fail;
    if ((rc = jmd__traj_event(out, JMD_EV_LAUNCH, -1, &st)) != 0) goto fail;
    jmd__run_init(&run, opts, out, dense, t);

    double t_kick = launch->t0 + veh->vertical_time;
    double t_cut = launch->cutoff > 0.0 ? launch->t0 + launch->cutoff : INFINITY;
    int kicked = 0, done = 0;
    double t_ign = launch->t0;

    memset(&arc, 0, sizeof arc);
    arc.j2 = opts->j2;
    arc.drag = opts->drag;
    arc.thrust = 1;
    for (int i = 0; i < veh->nstages && !done; i++) {
        const jmd_stage *s = &veh->stage[i];
        double t_burnout = t_ign + s->burn_time;
        double t_end = fmin(t_burnout, t_cut);
        arc.t_ign = t_ign;
        arc.m_ign = m;
        arc.mdot = s->mass_prop / s->burn_time;
        arc.force = arc.mdot * s->isp * JMD_G0;
        arc.cda = s->cd * s->area;
        while (t < t_end) {
            double stop = t_end;
            if (!kicked && t_kick < stop) stop = t_kick;
            arc.vertical = !kicked;
            if ((rc = jmd__arc_run(&run, &arc, &t, y, stop, &impact)) != 0) goto fail;
            if (impact || t >= run.t_stop) {
                done = 1;
                break;
            }
            if (!kicked && t >= t_kick) {
                bo_kick(y, launch->azimuth, launch->kick, arc.dir0);
                kicked = 1;
                st.t = t;
                memcpy(st.r, y, sizeof st.r);
                memcpy(st.v, y + 3, sizeof st.v);
                if ((rc = jmd__traj_push(out, &st)) != 0)
                    goto fail; /* replaces the pre-kick sample */
            }
        }
        if (done) break;
        st.t = t;
        memcpy(st.r, y, sizeof st.r);
        memcpy(st.v, y + 3, sizeof st.v);
        if ((rc = jmd__traj_event(out, JMD_EV_BURNOUT, i, &st)) != 0) goto fail;
        if (t >= t_cut) done = 1;
        m -= s->mass_gross; /* the spent stage (and any unburnt propellant) goes */
        t_ign = t_burnout;
    }
    if (!impact && t < run.t_stop) {
        /* Free flight of the re-entry vehicle. */
        memset(&arc, 0, sizeof arc);
        arc.j2 = opts->j2;
        arc.inv_beta =
            (veh->rv_beta > 0.0 && isfinite(veh->rv_beta)) ? 1.0 / veh->rv_beta : 0.0;
        arc.drag = opts->drag && arc.inv_beta > 0.0;
        if ((rc = jmd__arc_run(&run, &arc, &t, y, run.t_stop, &impact)) != 0) goto fail;
    }
    return 0;
fail:
    jmd__traj_clear(out);
    return rc;
}

int jmd_flight_fly(const jmd_vehicle *veh, const jmd_launch *launch,
                   const jmd_flight_opts *opts, jmd_trajectory *out)
{
    return jmd__fly(veh, launch, opts, 1, out);
}

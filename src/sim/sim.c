/*
 * sim.c — the simulation engine (see jmd/sim.h): truth flights, the clock,
 * sensors, party nodes, launch orders, intercepts and impacts, the event
 * log, the summary and the readable account.
 *
 * Order of work within a step at time t (fixed, so runs are
 * deterministic): threat launches; intercepts due in (t - step, t];
 * impacts due; kill assessments due; launch reports due; radar looks;
 * confirmed tracks; each party's step, whose orders are executed.
 * Workload: a trial of ten threats and a few sensors over 30 min at 1 s
 * steps is tens of milliseconds plus the threat evaluations.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core__grow.h"
#include "jmd/exchange.h"
#include "jmd/federate.h"
#include "jmd/geo.h"
#include "jmd/rng.h"
#include "jmd/sim.h"

#define DEG (3.14159265358979323846 / 180.0)
/* m: how far outside its interceptor's altitude band a kill vehicle can
 * still make the kill. The planner aims inside the band on a drag-free
 * prediction; the true, drag-slowed threat can be a little off it at the
 * planned time (an endo-atmospheric round aimed at its 30 km ceiling meets
 * the threat at ~30.5 km). Illustrative: 2 km. */
#define JMD_SIM_BAND_MARGIN 2e3

void jmd_sim_opts_default(jmd_sim_opts *o)
{
    o->events = NULL;
    o->kv_basket = 20e3;
    o->model = -1;
    jmd_party_opts_default(&o->party);
}

typedef struct {
    double t_launch, t_intercept;
    int site, party, shot_id, threat; /* threat: the truth threat the order's track followed (-1) */
    long track_id;
    int resolved;
    int foreign, consent;             /* the order relied on partner data / consent */
    double lat, lon, alt;             /* the planned intercept point */
} shot;

typedef struct {
    double t;
    int party, shot_id, killed;
    int done;
} assessment;

typedef struct {
    jmd_launch_report r;
    int party;
    int done;
} report;

typedef struct {
    const jmd_scenario *sc;
    const jmd_sim_opts *o;
    jmd_gov_model model;
    jmd_bus *bus;
    int *kill_foreign, *kill_consent; /* [nthreats] of the round that killed it */
    size_t meas_msg_bytes;            /* encoded size of one shared measurement (joint) */
    jmd_sim_result *res;
    jmd_trajectory *tr;
    double *t_impact;
    int *alive;
    jmd_sim_port *port;               /* the nodes, in process or federated */
    jmd_frame_done *rep;             /* [nparties] the nodes' reports of the current step */
    jmd_fed_update *upd;             /* in-flight target updates, by (party, shot) */
    int *upd_party;
    size_t nupd, capupd;
    long *warn_key;                  /* (sender * 2^32 + track id) of warnings sent ... */
    int *warn_truth;                 /* ... and the truth their track followed at sending */
    size_t nwarn, capwarn;
    jmd_rng *radar_rng;              /* [nradars * nthreats]: detection and noise draws per pair */
    jmd_rng *clutter_rng;            /* [nradars]: false alarms */
    jmd_rng *irsat_rng, *kill_rng;   /* kill_rng: [nthreats], one draw per round at the threat */
    double *next_look;
    int *meas_truth;                 /* meas_id -> truth index (-1 false alarm) */
    size_t nmeas, capmeas;
    shot *shots;
    size_t nshots, capshots;
    assessment *assess;
    size_t nassess, capassess;
    report *reports;
    size_t nreports;
    char *detected;                  /* [nparties * nthreats] first detection logged */
    jmd_measurement *scan;
    size_t capscan;
    FILE *ev;
    int io_error;
    char *err;                       /* the run's error line (jmd_sim_run_port's) */
    size_t errlen;
} world;


static void ev_begin(world *w, double t, const char *kind)
{
    if (!w->ev) return;
    if (fprintf(w->ev, "{\"t\":%.3f,\"event\":\"%s\"", t, kind) < 0) w->io_error = 1;
    w->res->events++;
}

static void ev_str(world *w, const char *key, const char *val)
{
    if (!w->ev) return;
    fprintf(w->ev, ",\"%s\":\"", key);
    for (const char *s = val; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(w->ev, "\\%c", c);
        else if (c < 0x20) fprintf(w->ev, "\\u%04x", c);
        else fputc(c, w->ev);
    }
    fputc('"', w->ev);
}

static void ev_num(world *w, const char *key, const char *fmt, double v)
{
    if (!w->ev) return;
    fprintf(w->ev, ",\"%s\":", key);
    if (isfinite(v)) fprintf(w->ev, fmt, v);
    else fputs("null", w->ev);
}

static void ev_end(world *w)
{
    if (!w->ev) return;
    if (fputs("}\n", w->ev) < 0) w->io_error = 1;
}

static void ev_point(world *w, double lat, double lon, double alt)
{
    ev_num(w, "lat_deg", "%.5f", lat / DEG);
    ev_num(w, "lon_deg", "%.5f", lon / DEG);
    ev_num(w, "alt_km", "%.3f", alt / 1e3);
}

/* Geodetic point of an ECI position at time t. */
static void eci_point(double t, const double r[3], double *lat, double *lon, double *h)
{
    double e[3];
    jmd_geo_eci_to_ecef(t, r, e);
    jmd_geo_from_ecef(e, lat, lon, h);
}

/* Fly every threat: one targeting solve per declaration (the salvo's
 * members differ only in launch time, and the flight is invariant under a
 * shift of time on the rotating Earth), then each member flown from its
 * own launch time. */
static int fly_threats(world *w, char *err, size_t errlen)
{
    const jmd_scenario *sc = w->sc;
    jmd_flight_opts fo;
    jmd_flight_opts_default(&fo);
    fo.output_step = 1.0;
    int last_decl = -1;
    jmd_target_result tres;
    for (size_t i = 0; i < sc->nthreats; i++) {
        const jmd_threat *th = &sc->threats[i];
        int rc;
        if (th->decl != last_decl) {
            rc = jmd_flight_target(&th->veh, th->lat0, th->lon0, th->lat1, th->lon1, th->traj,
                                   th->apogee, th->t_launch, &fo, &tres, &w->tr[i]);
            if (rc != 0) {
                snprintf(err, errlen,
                         "threats[%d] \"%s\": vehicle %s cannot be aimed at its aim point "
                         "(%.2f, %.2f deg) on a %s trajectory: %s",
                         th->decl, th->name, th->veh.name, th->lat1 / DEG, th->lon1 / DEG,
                         th->traj == JMD_TRAJ_LOFTED      ? "lofted"
                         : th->traj == JMD_TRAJ_DEPRESSED ? "depressed"
                                                          : "minimum-energy",
                         rc == JMD_ENOSOL ? "out of range" : jmd_strerror(rc));
                return rc == JMD_ENOMEM ? rc : JMD_ENOSOL;
            }
            last_decl = th->decl;
        } else {
            jmd_launch l = tres.launch;
            l.t0 = th->t_launch;
            if ((rc = jmd_flight_fly(&th->veh, &l, &fo, &w->tr[i])) != 0) {
                snprintf(err, errlen, "threats[%d] \"%s\": flight failed: %s", th->decl,
                         th->name, jmd_strerror(rc));
                return rc;
            }
        }
        jmd_flight_event ev;
        if (jmd_trajectory_event(&w->tr[i], JMD_EV_IMPACT, &ev) == 0) w->t_impact[i] = ev.s.t;
        else w->t_impact[i] = w->tr[i].s[w->tr[i].n - 1].t;
        w->alive[i] = 1;
        jmd_sim_threat *r = &w->res->threats[i];
        r->fate = JMD_FATE_NONE;
        r->t_launch = th->t_launch;
        r->t_impact_nominal = w->t_impact[i];
        r->t_detect = r->t_track = r->t_warning = r->t_decision = r->t_engage = r->t_end = NAN;
        r->lat = r->lon = r->alt = NAN;
        r->detect_radar = -1;
        r->killer_site = -1;
        r->engage_site = -1;
    }
    return 0;
}

static int truth_of_meas(const world *w, long meas_id)
{
    if (meas_id < 0 || (size_t)meas_id >= w->nmeas) return -1;
    return w->meas_truth[meas_id];
}

/* The truth a partner warning's track followed when it was sent. */
static int truth_of_warning(const world *w, int sender, long track_id)
{
    long key = (long)sender * 4294967296L + (track_id & 0xffffffffL);
    for (size_t i = w->nwarn; i-- > 0;)
        if (w->warn_key[i] == key) return w->warn_truth[i];
    return -1;
}

static int in_flight(const world *w, size_t i, double t)
{
    return w->alive[i] && t >= w->sc->threats[i].t_launch && t <= w->t_impact[i];
}

static int resolve_intercept(world *w, shot *s)
{
    const jmd_scenario *sc = w->sc;
    const jmd_site *site = &sc->sites[s->site];
    double aim[3];
    s->resolved = 1;
    /* The kill vehicle homes on the node's latest estimate of its target
     * (in-flight target update); the true threat nearest to that point
     * within the divert basket is the one it can hit. */
    int rc = JMD_ENOTFOUND;
    for (size_t i = 0; i < w->nupd; i++)
        if (w->upd_party[i] == s->party && w->upd[i].shot_id == s->shot_id) {
            if (w->upd[i].found) {
                memcpy(aim, w->upd[i].r, sizeof aim);
                rc = 0;
            }
            break;
        }
    if (rc != 0) {
        /* The node no longer holds the track (out of its radars' cover):
         * the round flies to the planned intercept point on the prediction
         * it was launched on. */
        double e[3];
        if (jmd_geo_to_ecef(s->lat, s->lon, s->alt, e) != 0 ||
            jmd_geo_ecef_to_eci(s->t_intercept, e, aim) != 0)
            aim[0] = aim[1] = aim[2] = NAN;
    }
    int best = -1;
    double best_d = INFINITY;
    for (size_t i = 0; i < sc->nthreats && isfinite(aim[0]); i++) {
        if (!in_flight(w, i, s->t_intercept)) continue;
        jmd_state st;
        if (jmd_trajectory_at(&w->tr[i], s->t_intercept, &st) != 0) continue;
        double d[3] = {st.r[0] - aim[0], st.r[1] - aim[1], st.r[2] - aim[2]};
        double dist = jmd_vec_norm(d);
        if (dist < best_d) best_d = dist, best = (int)i;
    }
    jmd_kill k = {0, s->t_intercept + site->assess_delay};
    int hit_target = best >= 0 && best_d <= w->o->kv_basket;
    double tlat = NAN, tlon = NAN, th = NAN;
    if (best >= 0) {
        jmd_state st;
        jmd_trajectory_at(&w->tr[best], s->t_intercept, &st);
        eci_point(s->t_intercept, st.r, &tlat, &tlon, &th);
        /* The kill vehicle works only inside its altitude band (its seeker
         * and divert need the exo- or endo-atmospheric regime it was built
         * for): a true threat outside the band is not hit. */
        if (th < site->ic.min_alt - JMD_SIM_BAND_MARGIN ||
            th > site->ic.max_alt + JMD_SIM_BAND_MARGIN)
            hit_target = 0;
    }
    /* Common random numbers: the n-th round resolved against a threat
     * draws the n-th uniform of that threat's stream, in every model and
     * whatever the geometry, so models differ by their decisions, not their
     * dice. A round with no target draws against the threat its track
     * followed (or the nearest one), keeping the streams aligned. */
    int key = best >= 0 ? best : s->threat;
    jmd_rng scratch;
    jmd_rng *kr = &scratch;
    if (key >= 0) {
        kr = &w->kill_rng[key];
    } else {
        jmd_rng_init(&scratch, 0, "kill:none", 0);
    }
    rc = jmd_engage_resolve(site->pk, s->t_intercept, site->assess_delay, kr, &k);
    if (rc != 0) return rc;
    int killed = hit_target && k.killed;
    ev_begin(w, s->t_intercept, "intercept");
    ev_str(w, "site", site->name);
    ev_str(w, "party", sc->parties[s->party].name);
    ev_num(w, "track_id", "%.0f", (double)s->track_id);
    if (best >= 0) {
        ev_str(w, "threat", sc->threats[best].name);
        ev_num(w, "miss_distance_km", "%.3f", best_d / 1e3);
    }
    ev_str(w, "result", killed       ? "kill"
                        : hit_target ? "miss"
                        : best >= 0 && best_d <= w->o->kv_basket ? "outside-altitude-band"
                                                                  : "no-target");
    if (best >= 0) ev_point(w, tlat, tlon, th);
    if (killed) {
        double lat = tlat, lon = tlon, h = th;
        w->alive[best] = 0;
        jmd_sim_threat *r = &w->res->threats[best];
        r->fate = JMD_FATE_INTERCEPTED;
        r->t_end = s->t_intercept;
        r->lat = lat, r->lon = lon, r->alt = h;
        r->killer_site = s->site;
        w->kill_foreign[best] = s->foreign;
        w->kill_consent[best] = s->consent;
        w->res->intercepted++;
    } else {
        w->res->site_wasted[s->site]++;
        w->res->wasted++;
    }
    ev_end(w);
    if ((rc = jmd__grow((void **)&w->assess, &w->capassess, w->nassess + 1, sizeof *w->assess)))
        return rc;
    w->assess[w->nassess++] = (assessment){k.t_assess, s->party, s->shot_id, killed, 0};
    return 0;
}

static int sort_shots_cmp(const void *a, const void *b)
{
    const shot *x = *(const shot *const *)a, *y = *(const shot *const *)b;
    if (x->t_intercept != y->t_intercept) return x->t_intercept < y->t_intercept ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int do_intercepts(world *w, double t0, double t1)
{
    /* Rounds due in (t0, t1], in time order (ties: order of launch). */
    size_t n = 0;
    for (size_t i = 0; i < w->nshots; i++)
        if (!w->shots[i].resolved && w->shots[i].t_intercept <= t1) n++;
    if (n == 0) return 0;
    shot **due = malloc(n * sizeof *due);
    if (!due) return JMD_ENOMEM;
    n = 0;
    for (size_t i = 0; i < w->nshots; i++)
        if (!w->shots[i].resolved && w->shots[i].t_intercept <= t1) due[n++] = &w->shots[i];
    qsort(due, n, sizeof *due, sort_shots_cmp);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) rc = resolve_intercept(w, due[i]);
    free(due);
    (void)t0;
    return rc;
}

static void do_impacts(world *w, double t1)
{
    const jmd_scenario *sc = w->sc;
    for (size_t i = 0; i < sc->nthreats; i++) {
        if (!w->alive[i] || w->t_impact[i] > t1) continue;
        w->alive[i] = 0;
        const jmd_state *last = &w->tr[i].s[w->tr[i].n - 1];
        double lat, lon, h;
        eci_point(last->t, last->r, &lat, &lon, &h);
        jmd_sim_threat *r = &w->res->threats[i];
        r->fate = JMD_FATE_LEAKED;
        r->t_end = w->t_impact[i];
        r->lat = lat, r->lon = lon, r->alt = h;
        w->res->leaked++;
        ev_begin(w, w->t_impact[i], "impact");
        ev_str(w, "threat", sc->threats[i].name);
        ev_point(w, lat, lon, h);
        for (size_t a = 0; a < sc->nassets; a++) {
            double s12, az1, az2;
            if (jmd_geo_inverse(lat, lon, sc->assets[a].lat, sc->assets[a].lon, &s12, &az1,
                                &az2) != 0)
                continue;
            if (s12 > sc->assets[a].radius) continue;
            r->assets_hit++;
            if (!w->res->asset_hit[a]) {
                w->res->asset_hit[a] = 1;
                w->res->party_assets_hit[sc->assets[a].owner]++;
                w->res->party[sc->assets[a].owner].assets_hit++;
            }
            ev_str(w, "asset_hit", sc->assets[a].name);
        }
        ev_end(w);
    }
}

static int do_radars(world *w, double t)
{
    const jmd_scenario *sc = w->sc;
    for (size_t k = 0; k < sc->nradars; k++) {
        const jmd_radar *rd = &sc->radars[k];
        if (t + 1e-9 < w->next_look[k]) continue;
        do {
            w->next_look[k] += rd->revisit > 0 ? rd->revisit : sc->step;
        } while (w->next_look[k] <= t + 1e-9);
        size_t n = 0;
        for (size_t i = 0; i < sc->nthreats; i++) {
            if (!in_flight(w, i, t)) continue;
            jmd_state st;
            int det = 0, rc;
            if (jmd_trajectory_at(&w->tr[i], t, &st) != 0) continue;
            if ((rc = jmd__grow((void **)&w->scan, &w->capscan, n + 1, sizeof *w->scan))) return rc;
            rc = jmd_radar_observe(rd, (int)k, t, st.r, sc->threats[i].rcs,
                                   &w->radar_rng[k * sc->nthreats + i], &w->scan[n], &det);
            if (rc != 0 || !det) continue;
            w->scan[n].truth = (int)i;
            n++;
        }
        if (rd->false_alarms_per_scan > 0) {
            int nfa = 0, rc;
            if ((rc = jmd__grow((void **)&w->scan, &w->capscan, n + 64, sizeof *w->scan))) return rc;
            rc = jmd_radar_false_alarms(rd, (int)k, t, &w->clutter_rng[k], w->scan + n, 64, &nfa);
            if (rc == 0) {
                for (int j = 0; j < nfa; j++) w->scan[n + (size_t)j].truth = -1;
                n += (size_t)nfa;
            }
        }
        for (size_t j = 0; j < n; j++) {
            int rc = jmd__grow((void **)&w->meas_truth, &w->capmeas, w->nmeas + 1, sizeof(int));
            if (rc) return rc;
            w->scan[j].meas_id = (long)w->nmeas;
            w->meas_truth[w->nmeas++] = w->scan[j].truth;
            int th = w->scan[j].truth;
            if (th < 0) continue;
            jmd_sim_threat *r = &w->res->threats[th];
            if (isnan(r->t_detect)) r->t_detect = t, r->detect_radar = (int)k;
            char *flag = &w->detected[(size_t)rd->owner * sc->nthreats + (size_t)th];
            if (!*flag) {
                *flag = 1;
                ev_begin(w, t, "first_detection");
                ev_str(w, "party", sc->parties[rd->owner].name);
                ev_str(w, "sensor", rd->name);
                ev_str(w, "threat", sc->threats[th].name);
                ev_num(w, "range_km", "%.1f", w->scan[j].range / 1e3);
                ev_end(w);
            }
        }
        w->res->measurements += (long)n;
        int rc = w->port->ops->scan(w->port, rd->owner, (int)k, t, w->scan, n);
        if (rc != 0) return rc;
        if (w->model == JMD_GOV_JOINT) {
            /* One picture from every party's radars: each scan goes to every
             * node (a replicated data fusion centre); the traffic is counted
             * as the measurements each party sends to each other. */
            size_t np = sc->nparties;
            for (size_t q = 0; q < np; q++) {
                if ((int)q == rd->owner) continue;
                rc = w->port->ops->scan(w->port, (int)q, (int)k, t, w->scan, n);
                if (rc != 0) return rc;
                w->res->msgs[(size_t)rd->owner * np + q] += (long)n;
                w->res->bytes[(size_t)rd->owner * np + q] += (long)(n * w->meas_msg_bytes);
            }
        }
    }
    return 0;
}

/* The nodes' step at t, then what the world learns from their reports, in
 * the order of the events: newly confirmed tracks (every party), launch
 * orders (every party), partner warnings delivered, target updates. */
static int node_steps(world *w, int64_t step, double t, double t_next)
{
    const jmd_scenario *sc = w->sc;
    size_t np = sc->nparties;
    int rc = w->port->ops->step(w->port, step, t, t_next, w->rep);
    if (rc != 0) return rc;
    for (size_t p = 0; p < np; p++) {
        const jmd_frame_done *r = &w->rep[p];
        for (size_t i = 0; i < r->nconfirmed; i++) {
            int th = truth_of_meas(w, r->confirmed[i].last_meas_id);
            ev_begin(w, t, "track_confirmed");
            ev_str(w, "party", sc->parties[p].name);
            ev_num(w, "track_id", "%.0f", (double)r->confirmed[i].track_id);
            ev_str(w, "threat", th >= 0 ? sc->threats[th].name : "false-alarm");
            ev_end(w);
            if (th >= 0 && isnan(w->res->threats[th].t_track)) w->res->threats[th].t_track = t;
        }
    }
    for (size_t p = 0; p < np; p++) {
        const jmd_frame_done *r = &w->rep[p];
        for (size_t i = 0; i < r->norders; i++) {
            const jmd_party_order *o = &r->orders[i].o;
            const jmd_engagement *e = &o->e;
            /* A node commands its own interceptors only (in a federation a
             * DONE comes from another process: checked, not trusted). */
            if (e->site < 0 || (size_t)e->site >= sc->nsites ||
                sc->sites[e->site].owner != (int)p) {
                snprintf(w->err, w->errlen,
                         "party \"%s\" at step %lld ordered a launch from site %d, which is "
                         "not one of its sites",
                         sc->parties[p].name, (long long)step, e->site);
                return JMD_EINVAL;
            }
            if ((rc = jmd__grow((void **)&w->shots, &w->capshots, w->nshots + 1, sizeof *w->shots)))
                return rc;
            int th = truth_of_meas(w, r->orders[i].last_meas_id);
            w->shots[w->nshots++] = (shot){e->t_launch,      e->t_intercept,
                                           e->site,          (int)p,
                                           o->shot_id,       th,
                                           e->track_id,      0,
                                           o->foreign_data,  o->consent,
                                           e->lat,           e->lon,
                                           e->alt};
            w->res->site_fired[e->site]++;
            w->res->fired++;
            if (th >= 0) {
                jmd_sim_threat *tr = &w->res->threats[th];
                tr->rounds++;
                if (isnan(tr->t_engage) || e->t_launch < tr->t_engage) {
                    tr->t_engage = e->t_launch;
                    tr->engage_site = e->site;
                }
                if (isnan(tr->t_decision)) tr->t_decision = t;
            }
            ev_begin(w, t, "interceptor_order");
            ev_str(w, "party", sc->parties[p].name);
            ev_str(w, "site", sc->sites[e->site].name);
            ev_num(w, "track_id", "%.0f", (double)e->track_id);
            ev_str(w, "threat", th >= 0 ? sc->threats[th].name : "unknown");
            ev_str(w, "doctrine", e->doctrine == JMD_SHOT_SLS ? "shoot-look-shoot" : "salvo");
            ev_num(w, "t_launch", "%.3f", e->t_launch);
            ev_num(w, "t_intercept", "%.3f", e->t_intercept);
            ev_point(w, e->lat, e->lon, e->alt);
            ev_end(w);
        }
    }
    for (size_t p = 0; p < np; p++) {
        const jmd_frame_done *r = &w->rep[p];
        /* The timeline's "warning received": the first partner warning
         * about a threat (named by the sender's track) reaching any party. */
        for (size_t i = 0; i < r->nwarn_recv; i++) {
            const jmd_fed_warn_recv *x = &r->warn_recv[i];
            int th = truth_of_warning(w, x->sender, x->track_id);
            if (th >= 0 && isnan(w->res->threats[th].t_warning))
                w->res->threats[th].t_warning = x->t_deliver;
        }
    }
    for (size_t p = 0; p < np; p++) {
        const jmd_frame_done *r = &w->rep[p];
        for (size_t i = 0; i < r->nwarn_sent; i++) {
            if ((rc = jmd__grow((void **)&w->warn_key, &w->capwarn, w->nwarn + 1, sizeof(long))))
                return rc;
            size_t cap = w->capwarn;
            int *tt = realloc(w->warn_truth, cap * sizeof *tt);
            if (!tt) return JMD_ENOMEM;
            w->warn_truth = tt;
            w->warn_key[w->nwarn] =
                (long)p * 4294967296L + (r->warn_sent[i].track_id & 0xffffffffL);
            w->warn_truth[w->nwarn++] = truth_of_meas(w, r->warn_sent[i].last_meas_id);
        }
        for (size_t i = 0; i < r->nupdates; i++) {
            if ((rc = jmd__grow((void **)&w->upd, &w->capupd, w->nupd + 1, sizeof *w->upd)))
                return rc;
            int *up = realloc(w->upd_party, w->capupd * sizeof *up);
            if (!up) return JMD_ENOMEM;
            w->upd_party = up;
            w->upd[w->nupd] = r->updates[i];
            w->upd_party[w->nupd++] = (int)p;
        }
        jmd_fed_done_free(&w->rep[p]);
    }
    return 0;
}

/* Messages and bytes per pair, and each node's part in the decisions. */
static int account_exchange(world *w)
{
    size_t np = w->sc->nparties;
    jmd_frame_final *fin = calloc(np ? np : 1, sizeof *fin);
    if (!fin) return JMD_ENOMEM;
    int rc = w->port->ops->finish(w->port, fin);
    if (rc != 0) {
        free(fin);
        return rc;
    }
    for (size_t a = 0; a < np; a++) {
        for (size_t b = 0; b < np && b < JMD_MSG_MAX_PARTIES; b++) {
            if (a == b) continue;
            w->res->msgs[a * np + b] += (long)fin[a].msgs[b];
            w->res->bytes[a * np + b] += (long)fin[a].bytes[b];
        }
        for (int k = 1; k <= JMD_MSG_KIND_MAX; k++)
            w->res->msgs_by_kind[k] += (long)fin[a].by_kind[k];
        jmd_sim_party *ps = &w->res->party[a];
        ps->proposals = fin[a].stats.proposals;
        ps->approvals = fin[a].stats.approvals;
        ps->vetoes = fin[a].stats.vetoes;
        ps->timeouts = fin[a].stats.timeouts;
    }
    free(fin);
    return 0;
}

/* ---- the in-process port: every node's driver, one bus -------------- */

typedef struct {
    jmd_sim_port base;
    const jmd_scenario *sc;
    jmd_node_driver **drv;
    jmd_bus *bus;
} local_port;

static int lp_assess(jmd_sim_port *pp, int party, int shot_id, int killed)
{
    local_port *lp = (local_port *)pp;
    return jmd_node_driver_assess(lp->drv[party], shot_id, killed);
}

static int lp_cue(jmd_sim_port *pp, int party, const jmd_launch_report *r)
{
    local_port *lp = (local_port *)pp;
    return jmd_node_driver_cue(lp->drv[party], r);
}

typedef struct {
    jmd_node_driver *d;
    int rc;
} deliver_ctx;

static void on_message(void *ctx, const jmd_msg *m, double t_deliver)
{
    deliver_ctx *c = ctx;
    int rc = jmd_node_driver_receive(c->d, m, t_deliver);
    if (rc != 0 && c->rc == 0) c->rc = rc;
}

/* Messages due by t, to every node in party order. */
static int lp_deliver(jmd_sim_port *pp, double t)
{
    local_port *lp = (local_port *)pp;
    if (!lp->bus) return 0;
    for (size_t p = 0; p < lp->sc->nparties; p++) {
        deliver_ctx c = {lp->drv[p], 0};
        int rc = jmd_bus_poll(lp->bus, (int)p, t, 0, on_message, &c, NULL);
        if (rc != 0) return rc;
        if (c.rc != 0) return c.rc;
    }
    return 0;
}

static int lp_scan(jmd_sim_port *pp, int party, int radar, double t, const jmd_measurement *m,
                   size_t n)
{
    local_port *lp = (local_port *)pp;
    return jmd_node_driver_scan(lp->drv[party], radar, t, m, n);
}

/* Every node's step, then what each wants sent onto the bus. */
static int lp_step(jmd_sim_port *pp, int64_t step, double t, double t_next, jmd_frame_done *rep)
{
    local_port *lp = (local_port *)pp;
    size_t np = lp->sc->nparties;
    for (size_t p = 0; p < np; p++) {
        int rc = jmd_node_driver_step(lp->drv[p], step, t, t_next, &rep[p]);
        if (rc != 0) return rc;
    }
    for (size_t p = 0; p < np && lp->bus; p++) {
        const jmd_party_out *out;
        size_t n;
        jmd_node_driver_outbox(lp->drv[p], &out, &n);
        for (size_t i = 0; i < n; i++) {
            jmd_msg m = out[i].m;
            m.sender = (int)p;
            m.t = t;
            int rc = jmd_bus_send(lp->bus, (int)p, out[i].to, &m, t, out[i].delay, NULL);
            if (rc == JMD_ENOMEM) return rc;
        }
    }
    return 0;
}

static int lp_finish(jmd_sim_port *pp, jmd_frame_final *fin)
{
    local_port *lp = (local_port *)pp;
    size_t np = lp->sc->nparties;
    for (size_t a = 0; a < np; a++) {
        fin[a].party = (int)a;
        jmd_party_stats_get(jmd_node_driver_party(lp->drv[a]), &fin[a].stats);
        for (size_t b = 0; b < np && b < JMD_MSG_MAX_PARTIES && lp->bus; b++) {
            jmd_bus_counts c;
            if (a == b || jmd_bus_stats(lp->bus, (int)a, (int)b, JMD_BUS_ANY, &c) != 0) continue;
            fin[a].msgs[b] = c.sent;
            fin[a].bytes[b] = c.bytes_sent;
        }
        for (int k = 1; k <= JMD_MSG_KIND_MAX && lp->bus; k++) {
            jmd_bus_counts c;
            if (jmd_bus_stats(lp->bus, (int)a, JMD_BUS_ANY, k, &c) == 0) fin[a].by_kind[k] = c.sent;
        }
    }
    return 0;
}

static const jmd_sim_port_ops local_ops = {lp_assess, lp_cue, lp_deliver, lp_scan, lp_step,
                                           lp_finish};

static void local_port_free(local_port *lp)
{
    if (lp->drv)
        for (size_t p = 0; p < lp->sc->nparties; p++) jmd_node_driver_free(lp->drv[p]);
    free(lp->drv);
    jmd_bus_destroy(lp->bus);
}

/* Which parties each threat threatened (its aim point within the lethal
 * radius of one of their assets), and which of those it was defended. */
static void account_parties(world *w)
{
    const jmd_scenario *sc = w->sc;
    for (size_t i = 0; i < sc->nthreats; i++) {
        const jmd_threat *th = &sc->threats[i];
        for (size_t p = 0; p < sc->nparties; p++) {
            int threatened = 0;
            for (size_t a = 0; a < sc->nassets && !threatened; a++) {
                if (sc->assets[a].owner != (int)p) continue;
                double s12, az1, az2;
                if ((int)a == th->target) threatened = 1;
                else if (jmd_geo_inverse(th->lat1, th->lon1, sc->assets[a].lat,
                                         sc->assets[a].lon, &s12, &az1, &az2) == 0 &&
                         s12 <= sc->assets[a].radius)
                    threatened = 1;
            }
            if (!threatened) continue;
            jmd_sim_party *ps = &w->res->party[p];
            ps->threatened++;
            if (w->res->threats[i].fate != JMD_FATE_INTERCEPTED) continue;
            ps->defended++;
            int killer = w->res->threats[i].killer_site;
            if (killer >= 0 && sc->sites[killer].owner != (int)p) ps->relied_interceptor++;
            if (w->kill_foreign[i]) ps->relied_data++;
            if (w->kill_consent[i]) ps->relied_consent++;
        }
    }
}

void jmd_sim_result_free(jmd_sim_result *r)
{
    if (!r) return;
    free(r->threats);
    free(r->asset_hit);
    free(r->site_fired);
    free(r->site_wasted);
    free(r->party_assets_hit);
    free(r->party);
    free(r->msgs);
    free(r->bytes);
    if (r->truth)
        for (size_t i = 0; i < r->nthreats; i++) jmd_trajectory_free(&r->truth[i]);
    free(r->truth);
    free(r);
}

static void world_free(world *w)
{
    if (w->tr)
        for (size_t i = 0; i < w->sc->nthreats; i++) jmd_trajectory_free(&w->tr[i]);
    if (w->rep)
        for (size_t p = 0; p < w->sc->nparties; p++) jmd_fed_done_free(&w->rep[p]);
    free(w->rep);
    free(w->upd);
    free(w->upd_party);
    free(w->warn_key);
    free(w->warn_truth);
    free(w->kill_foreign);
    free(w->kill_consent);
    free(w->tr);
    free(w->t_impact);
    free(w->alive);
    free(w->radar_rng);
    free(w->clutter_rng);
    free(w->irsat_rng);
    free(w->kill_rng);
    free(w->next_look);
    free(w->meas_truth);
    free(w->shots);
    free(w->assess);
    free(w->reports);
    free(w->detected);
    free(w->scan);
}

/* The model a run uses: the options' or the scenario's own; -1 if unknown. */
static int run_model(const jmd_scenario *sc, const jmd_sim_opts *opts)
{
    int m = opts->model >= 0 ? opts->model : (int)sc->gov.model;
    return m >= 0 && m < JMD_GOV_NMODELS ? m : -1;
}

int jmd_sim_run(const jmd_scenario *sc, uint64_t seed, const jmd_sim_opts *opts,
                jmd_sim_result **out, char *err, size_t errlen)
{
    jmd_sim_opts defaults;
    local_port lp;
    int rc = JMD_ENOMEM;

    if (!sc || !out || !err || errlen == 0) return JMD_EINVAL;
    *out = NULL;
    err[0] = '\0';
    if (!opts) {
        jmd_sim_opts_default(&defaults);
        opts = &defaults;
    }
    memset(&lp, 0, sizeof lp);
    lp.base.ops = &local_ops;
    lp.sc = sc;
    int model = run_model(sc, opts);
    if (model < 0) {
        snprintf(err, errlen, "unknown governance model %d",
                 opts->model >= 0 ? opts->model : (int)sc->gov.model);
        return JMD_EINVAL;
    }
    size_t np = sc->nparties;
    if (!(lp.drv = calloc(np ? np : 1, sizeof *lp.drv))) goto done;
    if (np > 0 && (rc = jmd_bus_inproc_create((int)np, sc->links, seed, &lp.bus)) != 0) {
        snprintf(err, errlen, "message bus cannot start: %s", jmd_strerror(rc));
        goto done;
    }
    for (size_t p = 0; p < np; p++)
        if ((rc = jmd_node_driver_create(sc, (int)p, (jmd_gov_model)model, seed, &opts->party,
                                         &lp.drv[p])) != 0) {
            snprintf(err, errlen, "party \"%s\": node cannot start: %s", sc->parties[p].name,
                     jmd_strerror(rc));
            goto done;
        }
    rc = jmd_sim_run_port(sc, seed, opts, &lp.base, out, err, errlen);
done:
    local_port_free(&lp);
    return rc;
}

int jmd_sim_run_port(const jmd_scenario *sc, uint64_t seed, const jmd_sim_opts *opts,
                     jmd_sim_port *port, jmd_sim_result **out, char *err, size_t errlen)
{
    jmd_sim_opts defaults;
    world w;
    int rc = JMD_ENOMEM;
    char key[JMD_NAME_MAX + 16];

    if (!sc || !out || !err || errlen == 0 || !port || !port->ops) return JMD_EINVAL;
    *out = NULL;
    err[0] = '\0';
    if (!opts) {
        jmd_sim_opts_default(&defaults);
        opts = &defaults;
    }
    memset(&w, 0, sizeof w);
    w.sc = sc;
    w.port = port;
    w.err = err;
    w.errlen = errlen;
    w.o = opts;
    w.ev = opts->events;
    size_t nt = sc->nthreats, np = sc->nparties;
    jmd_sim_result *res = calloc(1, sizeof *res);
    if (!res) return JMD_ENOMEM;
    w.res = res;
    res->nthreats = nt, res->nassets = sc->nassets, res->nsites = sc->nsites, res->nparties = np;
    if (!(res->threats = calloc(nt ? nt : 1, sizeof *res->threats)) ||
        !(res->asset_hit = calloc(sc->nassets ? sc->nassets : 1, sizeof(int))) ||
        !(res->site_fired = calloc(sc->nsites ? sc->nsites : 1, sizeof(int))) ||
        !(res->site_wasted = calloc(sc->nsites ? sc->nsites : 1, sizeof(int))) ||
        !(res->party_assets_hit = calloc(np ? np : 1, sizeof(int))) ||
        !(res->party = calloc(np ? np : 1, sizeof *res->party)) ||
        !(res->msgs = calloc(np * np > 0 ? np * np : 1, sizeof(long))) ||
        !(res->bytes = calloc(np * np > 0 ? np * np : 1, sizeof(long))) ||
        !(w.tr = calloc(nt ? nt : 1, sizeof *w.tr)) ||
        !(w.t_impact = calloc(nt ? nt : 1, sizeof(double))) ||
        !(w.alive = calloc(nt ? nt : 1, sizeof(int))) ||
        !(w.rep = calloc(np ? np : 1, sizeof *w.rep)) ||
        !(w.radar_rng = calloc(sc->nradars * nt > 0 ? sc->nradars * nt : 1, sizeof(jmd_rng))) ||
        !(w.clutter_rng = calloc(sc->nradars ? sc->nradars : 1, sizeof(jmd_rng))) ||
        !(w.irsat_rng = calloc(sc->nirsats ? sc->nirsats : 1, sizeof(jmd_rng))) ||
        !(w.kill_rng = calloc(nt ? nt : 1, sizeof(jmd_rng))) ||
        !(w.next_look = calloc(sc->nradars ? sc->nradars : 1, sizeof(double))) ||
        !(w.detected = calloc((np ? np : 1) * (nt ? nt : 1), 1)) ||
        !(w.kill_foreign = calloc(nt ? nt : 1, sizeof(int))) ||
        !(w.kill_consent = calloc(nt ? nt : 1, sizeof(int))))
        goto fail;
    if (run_model(sc, opts) < 0) {
        rc = JMD_EINVAL;
        snprintf(err, errlen, "unknown governance model %d", opts->model);
        goto fail;
    }
    w.model = (jmd_gov_model)run_model(sc, opts);
    res->model = w.model;
    {
        jmd_msg mm;
        memset(&mm, 0, sizeof mm);
        mm.kind = JMD_MSG_MEASUREMENT;
        w.meas_msg_bytes = jmd_msg_encoded_size(&mm);
    }
    /* Streams are keyed by component name (and threat index), so that the
     * same seed gives the same draws whatever else the scenario holds, and
     * the same draws in every governance model (common random numbers). */
    for (size_t k = 0; k < sc->nradars; k++) {
        snprintf(key, sizeof key, "radar:%s", sc->radars[k].name);
        for (size_t i = 0; i < nt; i++) jmd_rng_init(&w.radar_rng[k * nt + i], seed, key, i + 1);
        jmd_rng_init(&w.clutter_rng[k], seed, key, 0);
    }
    for (size_t k = 0; k < sc->nirsats; k++) {
        snprintf(key, sizeof key, "irsat:%s", sc->irsats[k].name);
        jmd_rng_init(&w.irsat_rng[k], seed, key, 0);
    }
    for (size_t i = 0; i < nt; i++) {
        snprintf(key, sizeof key, "kill:%s", sc->threats[i].name);
        jmd_rng_init(&w.kill_rng[i], seed, key, 0);
    }
    if ((rc = fly_threats(&w, err, errlen)) != 0) goto fail;

    /* Every satellite's reports, computed up front from the truth (a
     * report depends only on the flight and the satellite's own stream)
     * and delivered when due. */
    rc = JMD_ENOMEM;
    if (!(w.reports = calloc(sc->nirsats * nt > 0 ? sc->nirsats * nt : 1, sizeof *w.reports)))
        goto fail;
    for (size_t k = 0; k < sc->nirsats; k++)
        for (size_t i = 0; i < nt; i++) {
            int det = 0;
            report *r = &w.reports[w.nreports];
            if (jmd_irsat_observe(&sc->irsats[k], (int)k, &w.tr[i], (int)i, &w.irsat_rng[k],
                                  &r->r, &det) == 0 &&
                det) {
                r->party = sc->irsats[k].owner;
                w.nreports++;
            }
        }

    long nsteps = (long)ceil(sc->duration / sc->step - 1e-9);
    double t_prev = -INFINITY;
    for (long s = 0; s <= nsteps; s++) {
        double t = (double)s * sc->step;
        for (size_t i = 0; i < nt; i++)
            if (sc->threats[i].t_launch > t_prev && sc->threats[i].t_launch <= t) {
                ev_begin(&w, sc->threats[i].t_launch, "threat_launch");
                ev_str(&w, "threat", sc->threats[i].name);
                ev_str(&w, "vehicle", sc->threats[i].veh.name);
                ev_point(&w, sc->threats[i].lat0, sc->threats[i].lon0, 0.0);
                ev_end(&w);
            }
        if ((rc = do_intercepts(&w, t_prev, t)) != 0) goto fail;
        do_impacts(&w, t);
        for (size_t i = 0; i < w.nassess; i++) {
            assessment *a = &w.assess[i];
            if (a->done || a->t > t) continue;
            a->done = 1;
            if ((rc = port->ops->assess(port, a->party, a->shot_id, a->killed)) != 0) goto fail;
        }
        for (size_t i = 0; i < w.nreports; i++) {
            report *r = &w.reports[i];
            if (r->done || r->r.t > t) continue;
            r->done = 1;
            if ((rc = port->ops->cue(port, r->party, &r->r)) != 0) goto fail;
            for (size_t q = 0; w.model == JMD_GOV_JOINT && q < np; q++)
                if ((int)q != r->party && (rc = port->ops->cue(port, (int)q, &r->r)) != 0)
                    goto fail;
            jmd_sim_threat *tr = &res->threats[r->r.truth];
            if (isnan(tr->t_warning)) tr->t_warning = t;
            ev_begin(&w, t, "launch_report");
            ev_str(&w, "party", sc->parties[r->party].name);
            ev_str(&w, "sensor", sc->irsats[r->r.sensor].name);
            ev_str(&w, "threat", sc->threats[r->r.truth].name);
            ev_num(&w, "t_launch_est", "%.2f", r->r.t_launch);
            ev_point(&w, r->r.lat, r->r.lon, 0.0);
            ev_num(&w, "azimuth_deg", "%.2f", r->r.azimuth / DEG);
            ev_end(&w);
        }
        if ((rc = port->ops->deliver(port, t)) != 0) goto fail;
        if ((rc = do_radars(&w, t)) != 0) goto fail;
        if ((rc = node_steps(&w, s, t, (double)(s + 1) * sc->step)) != 0) goto fail;
        if (w.io_error) {
            rc = JMD_EIO;
            snprintf(err, errlen, "writing events failed");
            goto fail;
        }
        t_prev = t;
    }
    account_parties(&w);
    if ((rc = account_exchange(&w)) != 0) goto fail;
    if (opts->keep_truth) {
        /* Hand the flights over to the result (the world frees NULL arrays). */
        res->truth = w.tr;
        w.tr = NULL;
    }
    for (size_t i = 0; i < nt; i++)
        if (res->threats[i].fate == JMD_FATE_NONE)
            res->threats[i].fate = sc->threats[i].t_launch <= sc->duration ? JMD_FATE_IN_FLIGHT
                                                                           : JMD_FATE_NONE;
    world_free(&w);
    *out = res;
    return 0;
fail:
    if (!err[0]) snprintf(err, errlen, "simulation failed: %s", jmd_strerror(rc));
    world_free(&w);
    jmd_sim_result_free(res);
    return rc;
}

/* ---- output ---------------------------------------------------------- */

static const char *fate_name(int fate)
{
    switch (fate) {
    case JMD_FATE_INTERCEPTED: return "intercepted";
    case JMD_FATE_LEAKED: return "leaked";
    case JMD_FATE_IN_FLIGHT: return "in-flight";
    default: return "not-launched";
    }
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static void json_num(FILE *f, const char *fmt, double v)
{
    if (isfinite(v)) fprintf(f, fmt, v);
    else fputs("null", f);
}

int jmd_sim_write_summary(const jmd_scenario *sc, uint64_t seed, const jmd_sim_result *r,
                          FILE *f)
{
    if (!sc || !r || !f) return JMD_EINVAL;
    fprintf(f, "{\n  \"scenario\": ");
    json_str(f, sc->name);
    fprintf(f, ",\n  \"epoch\": ");
    json_str(f, sc->epoch);
    fprintf(f, ",\n  \"seed\": %llu,\n  \"model\": \"%s\",\n", (unsigned long long)seed,
            jmd_gov_model_name(r->model));
    fprintf(f, "  \"totals\": {\"threats\": %zu, \"intercepted\": %d, \"leaked\": %d, "
               "\"interceptors_fired\": %d, \"interceptors_wasted\": %d, "
               "\"radar_detections\": %ld},\n",
            r->nthreats, r->intercepted, r->leaked, r->fired, r->wasted, r->measurements);
    fprintf(f, "  \"threats\": [");
    for (size_t i = 0; i < r->nthreats; i++) {
        const jmd_sim_threat *t = &r->threats[i];
        fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
        json_str(f, sc->threats[i].name);
        fprintf(f, ", \"vehicle\": ");
        json_str(f, sc->threats[i].veh.name);
        fprintf(f, ", \"fate\": \"%s\", \"t_launch_s\": ", fate_name(t->fate));
        json_num(f, "%.3f", t->t_launch);
        fprintf(f, ", \"t_first_detection_s\": ");
        json_num(f, "%.3f", t->t_detect);
        fprintf(f, ", \"t_first_track_s\": ");
        json_num(f, "%.3f", t->t_track);
        fprintf(f, ", \"t_warning_s\": ");
        json_num(f, "%.3f", t->t_warning);
        fprintf(f, ", \"t_first_interceptor_launch_s\": ");
        json_num(f, "%.3f", t->t_engage);
        fprintf(f, ", \"t_end_s\": ");
        json_num(f, "%.3f", t->t_end);
        fprintf(f, ", \"end_lat_deg\": ");
        json_num(f, "%.5f", t->lat / DEG);
        fprintf(f, ", \"end_lon_deg\": ");
        json_num(f, "%.5f", t->lon / DEG);
        fprintf(f, ", \"end_alt_km\": ");
        json_num(f, "%.3f", t->alt / 1e3);
        fprintf(f, ", \"rounds\": %d, \"killer_site\": ", t->rounds);
        if (t->killer_site >= 0) json_str(f, sc->sites[t->killer_site].name);
        else fputs("null", f);
        fprintf(f, ", \"assets_hit\": %d}", t->assets_hit);
    }
    fprintf(f, "\n  ],\n  \"parties\": [");
    for (size_t p = 0; p < r->nparties; p++) {
        int nassets = 0;
        for (size_t a = 0; a < sc->nassets; a++) nassets += sc->assets[a].owner == (int)p;
        fprintf(f, "%s\n    {\"name\": ", p ? "," : "");
        json_str(f, sc->parties[p].name);
        fprintf(f, ", \"assets\": %d, \"assets_hit\": %d, \"no_asset_hit\": %s}", nassets,
                r->party_assets_hit[p], r->party_assets_hit[p] == 0 ? "true" : "false");
    }
    fprintf(f, "\n  ],\n  \"sites\": [");
    for (size_t s = 0; s < r->nsites; s++) {
        fprintf(f, "%s\n    {\"name\": ", s ? "," : "");
        json_str(f, sc->sites[s].name);
        fprintf(f, ", \"interceptor\": ");
        json_str(f, sc->sites[s].ic.name);
        fprintf(f, ", \"inventory\": %d, \"fired\": %d, \"wasted\": %d}", sc->sites[s].inventory,
                r->site_fired[s], r->site_wasted[s]);
    }
    fprintf(f, "\n  ],\n  \"assets\": [");
    for (size_t a = 0; a < r->nassets; a++) {
        fprintf(f, "%s\n    {\"name\": ", a ? "," : "");
        json_str(f, sc->assets[a].name);
        fprintf(f, ", \"party\": ");
        json_str(f, sc->parties[sc->assets[a].owner].name);
        fprintf(f, ", \"destroyed\": %s}", r->asset_hit[a] ? "true" : "false");
    }
    fprintf(f, "\n  ]\n}\n");
    return ferror(f) ? JMD_EIO : 0;
}

static void put_point(FILE *f, double lat, double lon)
{
    fprintf(f, "%.2f %s %.2f %s", fabs(lat) / DEG, lat >= 0 ? "N" : "S", fabs(lon) / DEG,
            lon >= 0 ? "E" : "W");
}

int jmd_sim_write_account(const jmd_scenario *sc, const jmd_sim_result *r, FILE *f)
{
    if (!sc || !r || !f) return JMD_EINVAL;
    fprintf(f, "%s — model %s, %zu threats, %zu radars, %zu satellites, %zu firing sites\n",
            sc->name[0] ? sc->name : "scenario", jmd_gov_model_name(r->model),
            r->nthreats, sc->nradars, sc->nirsats, sc->nsites);
    for (size_t i = 0; i < r->nthreats; i++) {
        const jmd_sim_threat *t = &r->threats[i];
        const jmd_threat *th = &sc->threats[i];
        fprintf(f, "%s (%s) launched at %.1f s from ", th->name, th->veh.name, t->t_launch);
        put_point(f, th->lat0, th->lon0);
        if (th->target >= 0) fprintf(f, " at %s\n", sc->assets[th->target].name);
        else {
            fprintf(f, " toward ");
            put_point(f, th->lat1, th->lon1);
            fputc('\n', f);
        }
        if (isfinite(t->t_warning)) fprintf(f, "  launch report received at %.1f s\n", t->t_warning);
        if (isfinite(t->t_detect))
            fprintf(f, "  first detected at %.1f s by %s (%s)\n", t->t_detect,
                    sc->radars[t->detect_radar].name,
                    sc->parties[sc->radars[t->detect_radar].owner].name);
        else fprintf(f, "  never detected by a radar\n");
        if (isfinite(t->t_track)) fprintf(f, "  firm track at %.1f s\n", t->t_track);
        if (t->rounds > 0)
            fprintf(f, "  %d interceptor%s launched at it, the first at %.1f s by %s (%s)\n",
                    t->rounds, t->rounds == 1 ? "" : "s", t->t_engage,
                    sc->sites[t->engage_site].name,
                    sc->parties[sc->sites[t->engage_site].owner].name);
        else fprintf(f, "  not engaged\n");
        if (t->fate == JMD_FATE_INTERCEPTED) {
            fprintf(f, "  INTERCEPTED at %.1f s by %s, %.0f km up over ", t->t_end,
                    sc->sites[t->killer_site].name, t->alt / 1e3);
            put_point(f, t->lat, t->lon);
            fputc('\n', f);
        } else if (t->fate == JMD_FATE_LEAKED) {
            fprintf(f, "  LEAKED: impact at %.1f s at ", t->t_end);
            put_point(f, t->lat, t->lon);
            fprintf(f, ", %d defended asset%s destroyed\n", t->assets_hit,
                    t->assets_hit == 1 ? "" : "s");
        } else if (t->fate == JMD_FATE_IN_FLIGHT) {
            fprintf(f, "  still in flight when the scenario ended\n");
        }
    }
    fprintf(f, "Outcome: %d intercepted, %d leaked of %zu; %d interceptors fired, %d wasted\n",
            r->intercepted, r->leaked, r->nthreats, r->fired, r->wasted);
    for (size_t p = 0; p < r->nparties; p++)
        fprintf(f, "  %s: %d of its assets destroyed\n", sc->parties[p].name,
                r->party_assets_hit[p]);
    return ferror(f) ? JMD_EIO : 0;
}

/*
 * impact.c — threat evaluation: predicted impact point, its uncertainty
 * ellipse and time, and the defended assets at risk.
 *
 * The mean state of a track estimate is flown to the ground with
 * jmd_flight_coast (J2 and drag as the caller's options say); the spread
 * of the impact point is the unscented transform of the 6x6 state
 * covariance (Julier & Uhlmann, "A new extension of the Kalman filter to
 * nonlinear systems", 1997): 2n = 12 sigma points x +- sqrt(n lambda_k)
 * e_k along the covariance's eigenvectors, weights 1/(2n) (kappa = 0, so
 * the mean state itself carries no weight and is used only as the
 * reference point), each flown to the ground, their impact points mapped
 * to azimuthal-equidistant East-North coordinates about the predicted
 * point. Sigma points of a zero eigenvalue coincide with the mean state
 * and reuse its flight. The 2-D Gaussian so obtained gives the ellipse at
 * a stated confidence (chi-square with 2 degrees of freedom: k2 = -2
 * ln(1 - p), 5.991 for 95 %) and the probability of falling within an
 * asset's lethal radius (jmd_engage_hit_probability: Simpson's rule along
 * the principal axis of smaller spread after the substitution x = d + R
 * sin(theta), which removes the square-root ends of the disc's chords, and
 * the exact erfc mass within each chord along the other axis). docs/engage.md §1-2.
 *
 * Workload: warm — one prediction per track update per threat; each costs
 * 1 + 2 x (rank of the covariance) flights of ~1 ms. One trajectory
 * buffer is reused for the sigma points.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engage/engage__internal.h"
#include "jmd/engage.h"
#include "jmd/geo.h"

#define IMP_N 6
#define IMP_PI 3.14159265358979323846

void jmd_impact_opts_default(jmd_impact_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    jmd_flight_opts_default(&o->flight);
    o->beta = 0.0;
    o->confidence = 0.95;
}

/* The impact of one state: time, geodetic point and Earth-relative speed. */
typedef struct {
    double t, lat, lon, speed;
} imp_point;

/* Fly `s` to the ground into `tr` (emptied first, allocation kept). */
static int fly(const jmd_state *s, const jmd_impact_opts *o, const jmd_flight_opts *fo,
               jmd_trajectory *tr, imp_point *p)
{
    tr->n = 0;
    tr->nev = 0;
    int rc = jmd_flight_coast(s, o->beta, fo, tr);
    if (rc != 0) return rc;
    jmd_flight_event ev;
    if (jmd_trajectory_event(tr, JMD_EV_IMPACT, &ev) != 0) return JMD_ENOSOL;
    double ecef[3], vecef[3], h;
    if ((rc = jmd_geo_eci_to_ecef_state(ev.s.t, ev.s.r, ev.s.v, ecef, vecef)) != 0) return rc;
    if ((rc = jmd_geo_from_ecef(ecef, &p->lat, &p->lon, &h)) != 0) return rc;
    p->t = ev.s.t;
    p->speed = jmd_vec_norm(vecef);
    return 0;
}

static int state_ok(const jmd_state *s)
{
    if (!isfinite(s->t)) return 0;
    for (int i = 0; i < 3; i++)
        if (!isfinite(s->r[i]) || !isfinite(s->v[i])) return 0;
    return 1;
}

/* Ellipse of a 2x2 covariance: semi-axes at scale k2 and azimuth of the
 * major axis in [0, pi). */
static int ellipse(const double c[2][2], double k2, double *a, double *b, double *az)
{
    double m[4] = {c[0][0], c[0][1], c[1][0], c[1][1]}, w[2], v[4];
    int rc = jmd__engage_eig_sym(2, m, w, v);
    if (rc != 0) return rc;
    *a = sqrt(k2 * fmax(w[0], 0.0));
    *b = sqrt(k2 * fmax(w[1], 0.0));
    /* Major-axis direction (v[0], v[2]) = (east, north); azimuth from north. */
    double ang = atan2(v[0], v[2]);
    if (ang < 0) ang += IMP_PI;
    if (ang >= IMP_PI) ang -= IMP_PI;
    if (*a == *b) ang = 0.0; /* a circle has no orientation */
    *az = ang;
    return 0;
}

int jmd_engage_predict_impact(const jmd_state *s, const double cov[6][6],
                              const jmd_impact_opts *o, jmd_impact *out,
                              jmd_trajectory *mean_traj)
{
    if (out) memset(out, 0, sizeof *out);
    if (mean_traj) {
        mean_traj->n = 0;
        mean_traj->nev = 0;
    }
    if (!s || !o || !out || !state_ok(s)) return JMD_EINVAL;
    if (!(o->confidence > 0.0 && o->confidence < 1.0) || isnan(o->beta)) return JMD_EINVAL;

    /* Covariance: finite, symmetric, positive semi-definite. */
    double a[IMP_N * IMP_N], w[IMP_N], v[IMP_N * IMP_N];
    double cmax = 0.0;
    for (int i = 0; i < IMP_N; i++)
        for (int j = 0; j < IMP_N; j++) {
            double c = cov ? cov[i][j] : 0.0;
            if (!isfinite(c)) return JMD_EINVAL;
            a[i * IMP_N + j] = c;
            cmax = fmax(cmax, fabs(c));
        }
    for (int i = 0; i < IMP_N; i++)
        for (int j = i + 1; j < IMP_N; j++)
            if (fabs(a[i * IMP_N + j] - a[j * IMP_N + i]) > 1e-9 * cmax) return JMD_EINVAL;
    for (int i = 0; i < IMP_N; i++)
        for (int j = i + 1; j < IMP_N; j++) /* symmetrise the rounding */
            a[i * IMP_N + j] = a[j * IMP_N + i] = 0.5 * (a[i * IMP_N + j] + a[j * IMP_N + i]);
    int rc = jmd__engage_eig_sym(IMP_N, a, w, v);
    if (rc != 0) return rc;
    if (w[IMP_N - 1] < -1e-9 * fmax(w[0], 0.0) || (w[0] <= 0.0 && w[IMP_N - 1] < 0.0))
        return JMD_EINVAL;

    /* The mean state's flight (into the caller's trajectory when given). */
    jmd_trajectory own = {0};
    jmd_trajectory *tr = mean_traj ? mean_traj : &own;
    imp_point p0;
    if ((rc = fly(s, o, &o->flight, tr, &p0)) != 0) goto done;

    /* Sigma points: a coarser output step (only the impact event is used). */
    jmd_flight_opts fo = o->flight;
    fo.output_step = fmax(fo.output_step, 30.0);
    if (fo.max_time / fo.output_step > 1e7) fo.output_step = fo.max_time / 1e7;
    jmd_trajectory sig = {0};
    double en[2 * IMP_N][2], ts[2 * IMP_N];
    for (int k = 0; k < IMP_N; k++) {
        double lam = w[k] > 0.0 ? w[k] : 0.0;
        /* Zero (or rounding-level) eigenvalue: both points are the mean. */
        if (lam <= 1e-15 * fmax(w[0], 0.0) || lam == 0.0) {
            for (int sg = 0; sg < 2; sg++) {
                en[2 * k + sg][0] = en[2 * k + sg][1] = 0.0;
                ts[2 * k + sg] = p0.t;
            }
            continue;
        }
        double sc = sqrt((double)IMP_N * lam);
        for (int sg = 0; sg < 2; sg++) {
            jmd_state x = *s;
            double sign = sg ? -1.0 : 1.0;
            for (int i = 0; i < 3; i++) {
                x.r[i] += sign * sc * v[i * IMP_N + k];
                x.v[i] += sign * sc * v[(i + 3) * IMP_N + k];
            }
            imp_point pk;
            if ((rc = fly(&x, o, &fo, &sig, &pk)) != 0) {
                jmd_trajectory_free(&sig);
                goto done;
            }
            if ((rc = jmd__engage_local_en(p0.lat, p0.lon, pk.lat, pk.lon, en[2 * k + sg],
                                           NULL)) != 0) {
                jmd_trajectory_free(&sig);
                goto done;
            }
            ts[2 * k + sg] = pk.t;
        }
    }
    jmd_trajectory_free(&sig);

    /* Unscented mean and covariance, weights 1 / (2n). */
    const double wt = 1.0 / (2.0 * IMP_N);
    double me[2] = {0, 0}, mt = 0.0, c[2][2] = {{0, 0}, {0, 0}}, vt = 0.0;
    for (int i = 0; i < 2 * IMP_N; i++) {
        me[0] += wt * en[i][0];
        me[1] += wt * en[i][1];
        mt += wt * (ts[i] - p0.t);
    }
    for (int i = 0; i < 2 * IMP_N; i++) {
        double d0 = en[i][0] - me[0], d1 = en[i][1] - me[1], dt = ts[i] - p0.t - mt;
        c[0][0] += wt * d0 * d0;
        c[0][1] += wt * d0 * d1;
        c[1][1] += wt * d1 * d1;
        vt += wt * dt * dt;
    }
    c[1][0] = c[0][1];

    out->t_impact = p0.t;
    out->time_to_impact = fmax(p0.t - s->t, 0.0);
    out->lat = p0.lat;
    out->lon = p0.lon;
    out->mean_en[0] = me[0];
    out->mean_en[1] = me[1];
    memcpy(out->cov_en, c, sizeof c);
    out->sigma_t = sqrt(vt);
    out->confidence = o->confidence;
    out->impact_speed = p0.speed;
    double k2 = -2.0 * log1p(-o->confidence);
    if ((rc = ellipse(c, k2, &out->semi_major, &out->semi_minor, &out->orientation)) != 0)
        goto done;
    /* Never a success with a non-finite result. */
    double chk = out->t_impact + out->time_to_impact + out->lat + out->lon + out->mean_en[0] +
                 out->mean_en[1] + out->cov_en[0][0] + out->cov_en[0][1] + out->cov_en[1][1] +
                 out->sigma_t + out->semi_major + out->semi_minor + out->orientation +
                 out->impact_speed;
    if (!isfinite(chk)) { /* any NaN or infinity makes the sum non-finite */
        rc = JMD_ERANGE;
        goto done;
    }
    rc = 0;

done:
    jmd_trajectory_free(&own);
    if (rc != 0) {
        memset(out, 0, sizeof *out);
        if (mean_traj) jmd_trajectory_free(mean_traj);
    }
    return rc;
}

/* Phi(b) - Phi(a) for a <= b, accurate in both tails. */
static double norm_interval(double lo, double hi)
{
    const double r2 = 0.70710678118654752440;
    if (lo >= 0.0) return 0.5 * (erfc(lo * r2) - erfc(hi * r2));
    if (hi <= 0.0) return 0.5 * (erfc(-hi * r2) - erfc(-lo * r2));
    return 1.0 - 0.5 * (erfc(-lo * r2) + erfc(hi * r2));
}

/* P(|X - d| <= R) for X ~ N(0, diag(so^2, si^2)) with so <= si: the outer
 * (numerical) variable is the one of SMALLER spread, whose density is
 * clipped to +-12 so and so always resolved by the grid; across the other
 * axis the mass within the chord is exact (erfc), and smooth on the scale
 * of si >= so. */
static double disc_probability(double dout, double din, double R, double so, double si)
{
    if (R <= 0.0) return 0.0;
    if (si <= 0.0) return (dout * dout + din * din <= R * R) ? 1.0 : 0.0;
    if (so <= 0.0) { /* all the mass on the line x_out = 0 */
        if (fabs(dout) > R) return 0.0;
        double half = sqrt(R * R - dout * dout);
        return norm_interval((din - half) / si, (din + half) / si);
    }
    /* x_out = dout + R sin(th): the chord's half-length is R cos(th). */
    const double L = 12.0 * so;
    double lo = (-L - dout) / R, hi = (L - dout) / R;
    if (lo >= 1.0 || hi <= -1.0) return 0.0;
    double th_lo = asin(fmax(lo, -1.0)), th_hi = asin(fmin(hi, 1.0));
    if (!(th_hi > th_lo)) return 0.0;
    const int N = 512; /* even */
    double hstep = (th_hi - th_lo) / N, sum = 0.0;
    const double inv_sqrt_2pi = 0.39894228040143267794;
    for (int k = 0; k <= N; k++) {
        double th = th_lo + k * hstep;
        double ct = cos(th), x = (dout + R * sin(th)) / so, half = R * ct;
        double dens = inv_sqrt_2pi / so * exp(-0.5 * x * x);
        double g = norm_interval((din - half) / si, (din + half) / si);
        double f = dens * g * R * ct;
        sum += f * ((k == 0 || k == N) ? 1.0 : (k % 2 ? 4.0 : 2.0));
    }
    double p = sum * hstep / 3.0;
    return fmin(fmax(p, 0.0), 1.0);
}

static int impact_ok(const jmd_impact *imp)
{
    if (!(imp->lat >= -IMP_PI / 2 && imp->lat <= IMP_PI / 2) || !isfinite(imp->lon)) return 0;
    const double *c = &imp->cov_en[0][0];
    double cmax = 0.0;
    for (int i = 0; i < 4; i++) {
        if (!isfinite(c[i])) return 0;
        cmax = fmax(cmax, fabs(c[i]));
    }
    if (!isfinite(imp->mean_en[0]) || !isfinite(imp->mean_en[1])) return 0;
    if (fabs(c[1] - c[2]) > 1e-9 * cmax) return 0;
    double tol = 1e-9 * cmax;
    if (c[0] < -tol || c[3] < -tol) return 0;
    if (c[1] * c[2] > c[0] * c[3] + tol * cmax) return 0;
    return 1;
}

int jmd_engage_hit_probability(const jmd_impact *imp, double lat, double lon, double radius,
                               double *p)
{
    if (p) *p = 0.0;
    if (!imp || !p || !impact_ok(imp)) return JMD_EINVAL;
    if (!(lat >= -IMP_PI / 2 && lat <= IMP_PI / 2) || !isfinite(lon) || !(radius >= 0.0) ||
        !isfinite(radius))
        return JMD_EINVAL;
    double a[2];
    int rc = jmd__engage_local_en(imp->lat, imp->lon, lat, lon, a, NULL);
    if (rc != 0) return rc;
    double d[2] = {a[0] - imp->mean_en[0], a[1] - imp->mean_en[1]};
    double m[4] = {imp->cov_en[0][0], 0.5 * (imp->cov_en[0][1] + imp->cov_en[1][0]), 0.0,
                   imp->cov_en[1][1]},
           w[2], v[4];
    m[2] = m[1];
    if ((rc = jmd__engage_eig_sym(2, m, w, v)) != 0) return rc;
    double s1 = sqrt(fmax(w[0], 0.0)), s2 = sqrt(fmax(w[1], 0.0));
    double d1 = v[0] * d[0] + v[2] * d[1]; /* components on the eigenvector columns */
    double d2 = v[1] * d[0] + v[3] * d[1];
    /* Relative to the disc, a spread below 1e-9 of the radius is a point. */
    if (s1 < 1e-9 * radius) s1 = 0.0;
    if (s2 < 1e-9 * radius) s2 = 0.0;
    double pr = disc_probability(d2, d1, radius, s2, s1); /* outer: the smaller spread */
    if (!isfinite(pr)) return JMD_ERANGE;
    *p = pr;
    return 0;
}

int jmd_engage_assets_at_risk(const jmd_impact *imp, const jmd_asset *assets, size_t n,
                              double p_min, jmd_asset_risk *out, size_t *nout,
                              double *value_at_risk)
{
    if (nout) *nout = 0;
    if (value_at_risk) *value_at_risk = 0.0;
    if (!imp || !nout || (n > 0 && (!assets || !out)) || !(p_min >= 0.0 && p_min <= 1.0))
        return JMD_EINVAL;
    for (size_t i = 0; i < n; i++) {
        const jmd_asset *as = &assets[i];
        if (!(as->lat >= -IMP_PI / 2 && as->lat <= IMP_PI / 2) || !isfinite(as->lon) ||
            !(as->radius >= 0.0) || !isfinite(as->radius) || !(as->value >= 0.0) ||
            !isfinite(as->value))
            return JMD_EINVAL;
    }
    size_t k = 0;
    double var = 0.0;
    for (size_t i = 0; i < n; i++) {
        const jmd_asset *as = &assets[i];
        double p, en[2], dist;
        int rc = jmd_engage_hit_probability(imp, as->lat, as->lon, as->radius, &p);
        if (rc == 0) rc = jmd__engage_local_en(imp->lat, imp->lon, as->lat, as->lon, en, &dist);
        if (rc != 0) {
            *nout = 0;
            return rc;
        }
        var += as->value * p;
        if (dist <= as->radius || (p_min > 0.0 ? p >= p_min : p > 0.0)) {
            out[k].asset = (int)i;
            out[k].p = p;
            out[k].distance = dist;
            k++;
        }
    }
    *nout = k;
    if (value_at_risk) *value_at_risk = var;
    return 0;
}

/*
 * filter.c — the extended Kalman filter for ballistic targets in jmd's
 * ECI frame: point-mass + J2 gravity and its gradient, fixed-step RK4 of
 * the state with its transition matrix, continuous white-noise-acceleration
 * process noise, the radar measurement model in range/azimuth/elevation
 * from a WGS-84 site (ENU on the geodetic normal) with its Jacobian, and
 * the Joseph-form update.
 *
 * Invariants: every covariance leaving this file is symmetric and passes a
 * Cholesky factorisation (jmd__track_fix_cov). Workload: one predict and
 * one innovation per track per scan, one update per association; nothing
 * allocates.
 */
#include <math.h>
#include <string.h>

#include "jmd/geo.h"
#include "track/track__internal.h"

#define MIN_RADIUS 1.0e6 /* m: a state this close to the centre has left the model */

void jmd_track_model_default(jmd_track_model *m)
{
    m->j2 = 1;
    m->max_step = 10.0;
    m->q_free = 1.0;
    m->q_boost = 1.0e4;
    m->boost_window = 240.0;
    m->atmo_alt = 80e3;
}

double jmd__track_wrap(double a)
{
    a = fmod(a, 2.0 * JMD__TRACK_PI);
    if (a > JMD__TRACK_PI) a -= 2.0 * JMD__TRACK_PI;
    else if (a <= -JMD__TRACK_PI) a += 2.0 * JMD__TRACK_PI;
    return a;
}

int jmd_track_site_init(jmd_track_site *s, double lat, double lon, double h)
{
    if (!s) return JMD_EINVAL;
    int rc = jmd_geo_to_ecef(lat, lon, h, s->ecef);
    if (rc == 0) rc = jmd_geo_enu_matrix(lat, lon, s->enu);
    if (rc != 0) return rc;
    s->lat = lat;
    s->lon = lon;
    s->h = h;
    return 0;
}

int jmd__track_rot(double t, double C[3][3])
{
    static const double ex[3] = {1, 0, 0}, ey[3] = {0, 1, 0}, ez[3] = {0, 0, 1};
    double cx[3], cy[3], cz[3];
    if (jmd_geo_eci_to_ecef(t, ex, cx) || jmd_geo_eci_to_ecef(t, ey, cy) ||
        jmd_geo_eci_to_ecef(t, ez, cz))
        return JMD_EINVAL;
    for (int i = 0; i < 3; i++) {
        C[i][0] = cx[i];
        C[i][1] = cy[i];
        C[i][2] = cz[i];
    }
    return 0;
}

void jmd__track_gravity(int j2, const double r[3], double a[3], double G[3][3])
{
    const double mu = JMD_WGS84_GM;
    double x = r[0], y = r[1], z = r[2];
    double r2 = x * x + y * y + z * z, rn = sqrt(r2);
    double ir2 = 1.0 / r2, ir3 = ir2 / rn, ir5 = ir3 * ir2, ir7 = ir5 * ir2;
    for (int i = 0; i < 3; i++) a[i] = -mu * r[i] * ir3;
    if (G)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                G[i][j] = 3.0 * mu * r[i] * r[j] * ir5 - (i == j ? mu * ir3 : 0.0);
    if (!j2) return;
    /* J2 (Vallado eq. 8-30): a = c [x(1 - 5z^2/r^2), y(...), z(3 - 5z^2/r^2)] / r^5
     * with c = -3/2 J2 mu a_e^2; its gradient term by term. */
    const double c = -1.5 * JMD__TRACK_J2 * mu * JMD_WGS84_A * JMD_WGS84_A;
    double zz = z * z;
    a[0] += c * x * (ir5 - 5.0 * zz * ir7);
    a[1] += c * y * (ir5 - 5.0 * zz * ir7);
    a[2] += c * z * (3.0 * ir5 - 5.0 * zz * ir7);
    if (!G) return;
    double ir9 = ir7 * ir2;
    for (int i = 0; i < 2; i++) {
        double p = r[i];
        for (int j = 0; j < 3; j++) {
            double d = (i == j) ? 1.0 : 0.0, dz = (j == 2) ? 1.0 : 0.0;
            G[i][j] += c * (d * ir5 - 5.0 * p * r[j] * ir7 -
                            5.0 * (d * zz * ir7 + 2.0 * p * z * dz * ir7 -
                                   7.0 * p * zz * r[j] * ir9));
        }
    }
    for (int j = 0; j < 3; j++) {
        double dz = (j == 2) ? 1.0 : 0.0;
        G[2][j] += c * (3.0 * dz * ir5 - 15.0 * z * r[j] * ir7 -
                        5.0 * (3.0 * zz * dz * ir7 - 7.0 * zz * z * r[j] * ir9));
    }
}

/* Derivative of y = (r, v, Phi) where Phi' = [[0, I], [G, 0]] Phi. */
static int deriv(int j2, const double *y, double *dy)
{
    double G[3][3];
    if (y[0] * y[0] + y[1] * y[1] + y[2] * y[2] < MIN_RADIUS * MIN_RADIUS) return -1;
    dy[0] = y[3];
    dy[1] = y[4];
    dy[2] = y[5];
    jmd__track_gravity(j2, y, dy + 3, G);
    const double *F = y + 6;
    double *dF = dy + 6;
    memcpy(dF, F + 18, 18 * sizeof *dF); /* rows 0-2 <- rows 3-5 */
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 6; k++)
            dF[18 + i * 6 + k] = G[i][0] * F[k] + G[i][1] * F[6 + k] + G[i][2] * F[12 + k];
    return 0;
}

int jmd_track_predict(const jmd_track_model *m, double q, jmd_track_est *e, double t)
{
    if (!m || !e || !isfinite(t) || !isfinite(e->t) || !(q >= 0.0) || !isfinite(q) ||
        !(m->max_step > 0.0))
        return JMD_EINVAL;
    double dt = t - e->t;
    if (dt == 0.0) return 0;
    double y[42], k1[42], k2[42], k3[42], k4[42], tmp[42];
    memcpy(y, e->x, 6 * sizeof *y);
    memset(y + 6, 0, 36 * sizeof *y);
    for (int i = 0; i < 6; i++) y[6 + 7 * i] = 1.0;
    double steps = ceil(fabs(dt) / m->max_step);
    if (steps > 1e7) return JMD_EINVAL;
    int n = (int)steps;
    double h = dt / n;
    for (int s = 0; s < n; s++) {
        if (deriv(m->j2, y, k1)) return JMD_ERANGE;
        for (int i = 0; i < 42; i++) tmp[i] = y[i] + 0.5 * h * k1[i];
        if (deriv(m->j2, tmp, k2)) return JMD_ERANGE;
        for (int i = 0; i < 42; i++) tmp[i] = y[i] + 0.5 * h * k2[i];
        if (deriv(m->j2, tmp, k3)) return JMD_ERANGE;
        for (int i = 0; i < 42; i++) tmp[i] = y[i] + h * k3[i];
        if (deriv(m->j2, tmp, k4)) return JMD_ERANGE;
        for (int i = 0; i < 42; i++) y[i] += h / 6.0 * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i]);
    }
    const double *F = y + 6;
    double FP[6][6], P[6][6];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            double s = 0.0;
            for (int k = 0; k < 6; k++) s += F[i * 6 + k] * e->P[k][j];
            FP[i][j] = s;
        }
    for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++) {
            double s = 0.0;
            for (int k = 0; k < 6; k++) s += FP[i][k] * F[j * 6 + k];
            P[i][j] = P[j][i] = s;
        }
    /* Continuous white-noise acceleration over |dt| (Bar-Shalom, Li &
     * Kirubarajan 2001, eq. 6.2.2-12); the cross term changes sign when
     * propagating backwards. */
    double T = fabs(dt);
    double qrr = q * T * T * T / 3.0, qrv = q * dt * T / 2.0, qvv = q * T;
    for (int i = 0; i < 3; i++) {
        P[i][i] += qrr;
        P[i][i + 3] += qrv;
        P[i + 3][i] += qrv;
        P[i + 3][i + 3] += qvv;
    }
    memcpy(e->x, y, 6 * sizeof *y);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) e->P[i][j] = P[i][j];
    e->t = t;
    jmd__track_fix_cov((double *)&e->P);
    return 0;
}

double jmd_track_q(const jmd_track_model *m, const jmd_track_est *e, double t_boost_end)
{
    double lat, lon, h;
    if (e->t < t_boost_end) return m->q_boost;
    /* Geodetic height does not depend on the Earth's rotation angle. */
    if (jmd_geo_from_ecef(e->x, &lat, &lon, &h) == 0 && h < m->atmo_alt) return m->q_boost;
    return m->q_free;
}

int jmd__track_measure(const jmd_track_site *s, const double C[3][3], const double r[3],
                       double z[3], double Hr[3][3])
{
    double d[3], enu[3];
    for (int i = 0; i < 3; i++)
        d[i] = C[i][0] * r[0] + C[i][1] * r[1] + C[i][2] * r[2] - s->ecef[i];
    for (int i = 0; i < 3; i++)
        enu[i] = s->enu[i][0] * d[0] + s->enu[i][1] * d[1] + s->enu[i][2] * d[2];
    double e = enu[0], n = enu[1], u = enu[2];
    double h2 = e * e + n * n, rho2 = h2 + u * u, hz = sqrt(h2), rho = sqrt(rho2);
    if (!(rho > 1e-3) || !isfinite(rho)) return JMD_EINVAL;
    double az = atan2(e, n);
    if (az < 0.0) az += 2.0 * JMD__TRACK_PI;
    if (az >= 2.0 * JMD__TRACK_PI) az = 0.0;
    z[0] = rho;
    z[1] = az;
    z[2] = atan2(u, hz);
    if (!Hr) return 0;
    /* d(range, az, el)/d(enu), then chained through M (ENU) and C (rotation). */
    double J[3][3];
    J[0][0] = e / rho;
    J[0][1] = n / rho;
    J[0][2] = u / rho;
    if (hz > 1e-9 * rho) {
        J[1][0] = n / h2;
        J[1][1] = -e / h2;
        J[2][0] = -u * e / (rho2 * hz);
        J[2][1] = -u * n / (rho2 * hz);
    } else { /* at the zenith azimuth is undefined: no information */
        J[1][0] = J[1][1] = J[2][0] = J[2][1] = 0.0;
    }
    J[1][2] = 0.0;
    J[2][2] = hz / rho2;
    double MC[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            MC[i][j] = s->enu[i][0] * C[0][j] + s->enu[i][1] * C[1][j] + s->enu[i][2] * C[2][j];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            Hr[i][j] = J[i][0] * MC[0][j] + J[i][1] * MC[1][j] + J[i][2] * MC[2][j];
    return 0;
}

void jmd__track_unmeasure(const jmd_track_site *s, const double C[3][3], const double z[3],
                          const double sigma[3], double r[3], double R[3][3])
{
    double rho = z[0], ca = cos(z[1]), sa = sin(z[1]), ce = cos(z[2]), se = sin(z[2]);
    double enu[3] = {rho * ce * sa, rho * ce * ca, rho * se};
    /* d(enu)/d(range, az, el) */
    double J[3][3] = {{ce * sa, rho * ce * ca, -rho * se * sa},
                      {ce * ca, -rho * ce * sa, -rho * se * ca},
                      {se, 0.0, rho * ce}};
    double d[3], A[3][3]; /* A = C' M' J: d(eci)/d(z) */
    for (int i = 0; i < 3; i++)
        d[i] = s->enu[0][i] * enu[0] + s->enu[1][i] * enu[1] + s->enu[2][i] * enu[2] +
               s->ecef[i];
    for (int i = 0; i < 3; i++)
        r[i] = C[0][i] * d[0] + C[1][i] * d[1] + C[2][i] * d[2];
    double MJ[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            MJ[i][j] = s->enu[0][i] * J[0][j] + s->enu[1][i] * J[1][j] + s->enu[2][i] * J[2][j];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            A[i][j] = C[0][i] * MJ[0][j] + C[1][i] * MJ[1][j] + C[2][i] * MJ[2][j];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double v = 0.0;
            for (int k = 0; k < 3; k++) v += A[i][k] * A[j][k] * sigma[k] * sigma[k];
            R[i][j] = v;
        }
}

static int sigma_ok(const double sigma[3])
{
    for (int i = 0; i < 3; i++)
        if (!(sigma[i] > 0.0) || !isfinite(sigma[i])) return 0;
    return 1;
}

int jmd_track_innovation(const jmd_track_site *s, const double sigma[3], const jmd_track_est *e,
                         const double z[3], double h[3], double S[3][3], double nu[3],
                         double *d2)
{
    double C[3][3], hz[3], Hr[3][3], Sl[3][3];
    if (!s || !sigma || !e || !sigma_ok(sigma)) return JMD_EINVAL;
    if (jmd__track_rot(e->t, C) || jmd__track_measure(s, C, e->x, hz, Hr)) return JMD_EINVAL;
    for (int i = 0; i < 3; i++)
        for (int j = i; j < 3; j++) {
            double v = 0.0;
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) v += Hr[i][a] * e->P[a][b] * Hr[j][b];
            Sl[i][j] = Sl[j][i] = v;
        }
    for (int i = 0; i < 3; i++) Sl[i][i] += sigma[i] * sigma[i];
    if (h) memcpy(h, hz, sizeof hz);
    if (S) memcpy(S, Sl, sizeof Sl);
    if (z) {
        double n[3] = {z[0] - hz[0], jmd__track_wrap(z[1] - hz[1]), z[2] - hz[2]};
        if (nu) memcpy(nu, n, sizeof n);
        if (d2) {
            double Si[3][3];
            if (jmd__track_inv3(Sl, Si, NULL)) return JMD_EINVAL;
            double v = 0.0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) v += n[i] * Si[i][j] * n[j];
            *d2 = v;
        }
    }
    return 0;
}

int jmd_track_update(const jmd_track_site *s, const double z[3], const double sigma[3],
                     jmd_track_est *e, double *nis)
{
    double C[3][3], hz[3], Hr[3][3], S[3][3], Si[3][3];
    if (!s || !z || !sigma || !e || !sigma_ok(sigma)) return JMD_EINVAL;
    for (int i = 0; i < 3; i++)
        if (!isfinite(z[i])) return JMD_EINVAL;
    if (jmd__track_rot(e->t, C) || jmd__track_measure(s, C, e->x, hz, Hr)) return JMD_EINVAL;
    double PH[6][3]; /* P H' */
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 3; j++)
            PH[i][j] = e->P[i][0] * Hr[j][0] + e->P[i][1] * Hr[j][1] + e->P[i][2] * Hr[j][2];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            S[i][j] = Hr[i][0] * PH[0][j] + Hr[i][1] * PH[1][j] + Hr[i][2] * PH[2][j];
    for (int i = 0; i < 3; i++) {
        S[i][i] += sigma[i] * sigma[i];
        for (int j = 0; j < i; j++) S[i][j] = S[j][i] = 0.5 * (S[i][j] + S[j][i]);
    }
    if (jmd__track_inv3(S, Si, NULL)) return JMD_EINVAL;
    double nu[3] = {z[0] - hz[0], jmd__track_wrap(z[1] - hz[1]), z[2] - hz[2]};
    double K[6][3];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 3; j++)
            K[i][j] = PH[i][0] * Si[0][j] + PH[i][1] * Si[1][j] + PH[i][2] * Si[2][j];
    if (nis) {
        double v = 0.0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) v += nu[i] * Si[i][j] * nu[j];
        *nis = v;
    }
    /* Joseph form: P = (I - K H) P (I - K H)' + K R K'. */
    double A[6][6], AP[6][6], P[6][6];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            double kh = j < 3 ? K[i][0] * Hr[0][j] + K[i][1] * Hr[1][j] + K[i][2] * Hr[2][j] : 0.0;
            A[i][j] = (i == j ? 1.0 : 0.0) - kh;
        }
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            double v = 0.0;
            for (int k = 0; k < 6; k++) v += A[i][k] * e->P[k][j];
            AP[i][j] = v;
        }
    for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++) {
            double v = 0.0;
            for (int k = 0; k < 6; k++) v += AP[i][k] * A[j][k];
            for (int k = 0; k < 3; k++) v += K[i][k] * sigma[k] * sigma[k] * K[j][k];
            P[i][j] = P[j][i] = v;
        }
    for (int i = 0; i < 6; i++) e->x[i] += K[i][0] * nu[0] + K[i][1] * nu[1] + K[i][2] * nu[2];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) e->P[i][j] = P[i][j];
    jmd__track_fix_cov((double *)&e->P);
    return 0;
}

int jmd_track_to_ecef(const jmd_track_est *e, double x_ecef[6], double P_ecef[6][6])
{
    double C[3][3], J[6][6], JP[6][6];
    if (!e || !x_ecef || !P_ecef || jmd__track_rot(e->t, C)) return JMD_EINVAL;
    const double w = JMD_EARTH_OMEGA;
    /* r_e = C r; v_e = C v - W C r with W = [w x], w = (0, 0, w). */
    double W[3][3] = {{0, -w, 0}, {w, 0, 0}, {0, 0, 0}};
    memset(J, 0, sizeof J);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            J[i][j] = J[i + 3][j + 3] = C[i][j];
            J[i + 3][j] = -(W[i][0] * C[0][j] + W[i][1] * C[1][j] + W[i][2] * C[2][j]);
        }
    for (int i = 0; i < 6; i++) {
        double v = 0.0;
        for (int k = 0; k < 6; k++) v += J[i][k] * e->x[k];
        x_ecef[i] = v;
    }
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            double v = 0.0;
            for (int k = 0; k < 6; k++) v += J[i][k] * e->P[k][j];
            JP[i][j] = v;
        }
    for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++) {
            double v = 0.0;
            for (int k = 0; k < 6; k++) v += JP[i][k] * J[j][k];
            P_ecef[i][j] = P_ecef[j][i] = v;
        }
    return 0;
}

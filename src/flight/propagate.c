/*
 * propagate.c — point-mass flight in jmd's ECI frame: WGS-84 gravity with
 * J2, drag in the US 1976 atmosphere rotating with the Earth, thrust; the
 * adaptive integrator, dense output and event location; jmd_flight_coast.
 *
 * Integrator: the explicit Runge-Kutta pair DOP853 of Dormand and Prince
 * (order 8 with a 5th/3rd-order combined error estimate and a 7th-order
 * continuous extension; Hairer, Norsett & Wanner, "Solving Ordinary
 * Differential Equations I", 2nd ed., Springer 1993, sec. II.10, with the
 * coefficients of their code DOP853). It is the usual choice for orbits at
 * tight tolerances: 12 evaluations a step, but steps of minutes in free
 * flight where a 5th-order pair needs tens of seconds. Step control as in
 * DOP853 (safety 0.9, factor limits 0.2..10); the error norm is the RMS of
 * the error over atol + rtol * |y| component by component (metres and m/s).
 * The 7th-order interpolant (three more evaluations, computed only in the
 * steps that hold an output time or an event) gives the dense output and
 * the event functions; its error is far below the step's own.
 *
 * Events: apogee (r.v changes sign from + to -), re-entry (geodetic height
 * descending through JMD_REENTRY_ALT) and impact (descending through
 * opts->impact_alt, which ends the flight) are checked at the end of every
 * accepted step and located on the interpolant by Illinois-modified
 * regula falsi to 1e-7 s. A step cannot hide two crossings of the same
 * level except on an arc that grazes it (an apogee within metres of the
 * level), where missing the event is harmless. Steps are capped at 100 s,
 * where the interpolant is good to well under a millimetre (at 300 s it is
 * ~1 cm: its error grows as the 8th power of the step).
 *
 * Model notes: drag uses the Earth-relative velocity v - w x r (the
 * atmosphere co-rotates); gravity is the WGS-84/EGM96 J2 field with the
 * z axis of jmd's ECI frame as the rotation axis (jmd/geo.h); the density
 * is that of geodetic height, which does not depend on the rotation angle,
 * so it is computed straight from the ECI position.
 *
 * Workload: the innermost loop of every flight; the right-hand side costs
 * one geodetic-height conversion and one density look-up when drag is on.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "flight/flight__prop.h"
#include "flight/flight__traj.h"
#include "jmd/geo.h"

#define FL_HMAX 100.0        /* s, largest step (keeps the interpolant error < 1 mm) */
#define FL_MAX_STEPS 2000000 /* per arc: a bound, never reached by a sane flight */
#define FL_MIN_RADIUS 1.0e6  /* m: a state this close to the centre has left the model */
#define FL_SAMPLE_GAP 1e-6   /* s: samples closer than this merge */

/* ---- DOP853 coefficients (Hairer's DOP853; C is the node vector) -------- */

static const double dp_c[16] = {0.0,
                                0.526001519587677318785587544488e-01,
                                0.789002279381515978178381316732e-01,
                                0.118350341907227396726757197510,
                                0.281649658092772603273242802490,
                                0.333333333333333333333333333333,
                                0.25,
                                0.307692307692307692307692307692,
                                0.651282051282051282051282051282,
                                0.6,
                                0.857142857142857142857142857142,
                                1.0,
                                1.0,
                                0.1,
                                0.2,
                                0.777777777777777777777777777778};

static const double dp_a[16][16] = {
    {0},
    {5.26001519587677318785587544488e-2},
    {1.97250569845378994544595329183e-2, 5.91751709536136983633785987549e-2},
    {2.95875854768068491816892993775e-2, 0, 8.87627564304205475450678981324e-2},
    {2.41365134159266685502369798665e-1, 0, -8.84549479328286085344864962717e-1,
     9.24834003261792003115737966543e-1},
    {3.7037037037037037037037037037e-2, 0, 0, 1.70828608729473871279604482173e-1,
     1.25467687566822425016691814123e-1},
    {3.7109375e-2, 0, 0, 1.70252211019544039314978060272e-1, 6.02165389804559606850219397283e-2,
     -1.7578125e-2},
    {3.70920001185047927108779319836e-2, 0, 0, 1.70383925712239993810214054705e-1,
     1.07262030446373284651809199168e-1, -1.53194377486244017527936158236e-2,
     8.27378916381402288758473766002e-3},
    {6.24110958716075717114429577812e-1, 0, 0, -3.36089262944694129406857109825,
     -8.68219346841726006818189891453e-1, 2.75920996994467083049415600797e1,
     2.01540675504778934086186788979e1, -4.34898841810699588477366255144e1},
    {4.77662536438264365890433908527e-1, 0, 0, -2.48811461997166764192642586468,
     -5.90290826836842996371446475743e-1, 2.12300514481811942347288949897e1,
     1.52792336328824235832596922938e1, -3.32882109689848629194453265587e1,
     -2.03312017085086261358222928593e-2},
    {-9.3714243008598732571704021658e-1, 0, 0, 5.18637242884406370830023853209,
     1.09143734899672957818500254654, -8.14978701074692612513997267357,
     -1.85200656599969598641566180701e1, 2.27394870993505042818970056734e1,
     2.49360555267965238987089396762, -3.0467644718982195003823669022},
    {2.27331014751653820792359768449, 0, 0, -1.05344954667372501984066689879e1,
     -2.00087205822486249909675718444, -1.79589318631187989172765950534e1,
     2.79488845294199600508499808837e1, -2.85899827713502369474065508674,
     -8.87285693353062954433549289258, 1.23605671757943030647266201528e1,
     6.43392746015763530355970484046e-1},
    /* Row 12: the 8th-order weights b. */
    {5.42937341165687622380535766363e-2, 0, 0, 0, 0, 4.45031289275240888144113950566,
     1.89151789931450038304281599044, -5.8012039600105847814672114227,
     3.1116436695781989440891606237e-1, -1.52160949662516078556178806805e-1,
     2.01365400804030348374776537501e-1, 4.47106157277725905176885569043e-2},
    /* Rows 13-15: the extra stages of the continuous extension. */
    {5.61675022830479523392909219681e-2, 0, 0, 0, 0, 0, 2.53500210216624811088794765333e-1,
     -2.46239037470802489917441475441e-1, -1.24191423263816360469010140626e-1,
     1.5329179827876569731206322685e-1, 8.20105229563468988491666602057e-3,
     7.56789766054569976138603589584e-3, -8.298e-3},
    {3.18346481635021405060768473261e-2, 0, 0, 0, 0, 2.83009096723667755288322961402e-2,
     5.35419883074385676223797384372e-2, -5.49237485713909884646569340306e-2, 0, 0,
     -1.08347328697249322858509316994e-4, 3.82571090835658412954920192323e-4,
     -3.40465008687404560802977114492e-4, 1.41312443674632500278074618366e-1},
    {-4.28896301583791923408573538692e-1, 0, 0, 0, 0, -4.69762141536116384314449447206,
     7.68342119606259904184240953878, 4.06898981839711007970213554331,
     3.56727187455281109270669543021e-1, 0, 0, 0, -1.39902416515901462129418009734e-3,
     2.9475147891527723389556272149, -9.15095847217987001081870187138}};

/* Error estimators: 5th-order (e5) and 3rd-order (e3) differences. */
static const double dp_e5[13] = {0.1312004499419488073250102996e-1,
                                 0,
                                 0,
                                 0,
                                 0,
                                 -0.1225156446376204440720569753e1,
                                 -0.4957589496572501915214079952,
                                 0.1664377182454986536961530415e1,
                                 -0.3503288487499736816886487290,
                                 0.3341791187130174790297318841,
                                 0.8192320648511571246570742613e-1,
                                 -0.2235530786388629525884427845e-1,
                                 0};
/* e3 = b - bhat3 with bhat3 nonzero at 0, 8, 11 only. */
static const double dp_bhat3[3] = {0.244094488188976377952755905512,
                                   0.733846688281611857341361741547,
                                   0.220588235294117647058823529412e-1};

/* Continuous extension: rows of D for the 4th..7th interpolation coefficients. */
static const double dp_d[4][16] = {
    {-0.84289382761090128651353491142e1, 0, 0, 0, 0, 0.56671495351937776962531783590,
     -0.30689499459498916912797304727e1, 0.23846676565120698287728149680e1,
     0.21170345824450282767155149946e1, -0.87139158377797299206789907490,
     0.22404374302607882758541771650e1, 0.63157877876946881815570249290,
     -0.88990336451333310820698117400e-1, 0.18148505520854727256656404962e2,
     -0.91946323924783554000451984436e1, -0.44360363875948939664310572000e1},
    {0.10427508642579134603413151009e2, 0, 0, 0, 0, 0.24228349177525818288430175319e3,
     0.16520045171727028198505394887e3, -0.37454675472269020279518312152e3,
     -0.22113666853125306036270938578e2, 0.77334326684722638389603898808e1,
     -0.30674084731089398182061213626e2, -0.93321305264302278729567221706e1,
     0.15697238121770843886131091075e2, -0.31139403219565177677282850411e2,
     -0.93529243588444783865713862664e1, 0.35816841486394083752465898540e2},
    {0.19985053242002433820987653617e2, 0, 0, 0, 0, -0.38703730874935176555105901742e3,
     -0.18917813819516756882830838328e3, 0.52780815920542364900561016686e3,
     -0.11573902539959630126141871134e2, 0.68812326946963000169666922661e1,
     -0.10006050966910838403183860980e1, 0.77771377980534432092869265740,
     -0.27782057523535084065932004339e1, -0.60196695231264120758267380846e2,
     0.84320405506677161018159903784e2, 0.11992291136182789328035130030e2},
    {-0.25693933462703749003312586129e2, 0, 0, 0, 0, -0.15418974869023643374053993627e3,
     -0.23152937917604549567536039109e3, 0.35763911791061412378285349910e3,
     0.93405324183624310003907691704e2, -0.37458323136451633156875139351e2,
     0.10409964950896230045147246184e3, 0.29840293426660503123344363579e2,
     -0.43533456590011143754432175058e2, 0.96324553959188282948394950600e2,
     -0.39177261675615439165231486172e2, -0.14972683625798562581422125276e3}};

/* ---- the equations of motion ------------------------------------------- */

double jmd__height(const double r[3])
{
    double lat, lon, h;
    if (jmd_geo_from_ecef(r, &lat, &lon, &h) != 0) return NAN;
    return h;
}

/* Unit geodetic "up" at an ECI position (the ellipsoid normal through it). */
static void fl_up(const double r[3], double up[3])
{
    double lat, lon, h;
    if (jmd_geo_from_ecef(r, &lat, &lon, &h) != 0) lat = atan2(r[2], hypot(r[0], r[1]));
    double rxy = hypot(r[0], r[1]);
    double cl = cos(lat), sl = sin(lat);
    if (rxy > 0) {
        up[0] = cl * r[0] / rxy;
        up[1] = cl * r[1] / rxy;
    } else {
        up[0] = up[1] = 0.0;
    }
    up[2] = sl;
}

/* dy/dt for y = (r, v) at time t under the arc's force model. */
static void fl_rhs(const jmd__arc *arc, double t, const double y[6], double f[6])
{
    const double *r = y, *v = y + 3;
    double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    double rn = sqrt(r2);
    double g = -JMD_WGS84_GM / (r2 * rn);
    double a[3];

    if (arc->j2) {
        /* Vallado, Fundamentals of Astrodynamics, eq. 8-30 (zonal J2 only). */
        double zz = r[2] * r[2] / r2;
        double k = 1.5 * JMD__J2 * JMD_WGS84_A * JMD_WGS84_A / r2;
        double kxy = 1.0 + k * (1.0 - 5.0 * zz), kz = 1.0 + k * (3.0 - 5.0 * zz);
        a[0] = g * r[0] * kxy;
        a[1] = g * r[1] * kxy;
        a[2] = g * r[2] * kz;
    } else {
        a[0] = g * r[0];
        a[1] = g * r[1];
        a[2] = g * r[2];
    }

    double kd = arc->thrust ? arc->cda : arc->inv_beta;
    int drag = arc->drag && kd > 0.0;
    if (drag || arc->thrust) {
        /* Earth-relative velocity: the air moves with the Earth. */
        double vr[3] = {v[0] + JMD_EARTH_OMEGA * r[1], v[1] - JMD_EARTH_OMEGA * r[0], v[2]};
        double vrn = sqrt(vr[0] * vr[0] + vr[1] * vr[1] + vr[2] * vr[2]);
        double m = arc->thrust ? arc->m_ign - arc->mdot * (t - arc->t_ign) : 1.0;
        if (drag && vrn > 0.0) {
            double rho = jmd__atm_density(jmd__height(r));
            double q = 0.5 * rho * vrn * (arc->thrust ? kd / m : kd);
            for (int i = 0; i < 3; i++)
                a[i] -= q * vr[i];
        }
        if (arc->thrust) {
            double dir[3];
            if (arc->vertical) {
                fl_up(r, dir);
            } else if (!(vrn > 1.0)) {
                /* Kicked at (near) rest: hold the kick direction until the
                 * velocity defines one. */
                if (arc->dir0[0] != 0.0 || arc->dir0[1] != 0.0 || arc->dir0[2] != 0.0)
                    memcpy(dir, arc->dir0, sizeof dir);
                else if (vrn > 0.0)
                    for (int i = 0; i < 3; i++)
                        dir[i] = vr[i] / vrn;
                else
                    fl_up(r, dir);
            } else {
                for (int i = 0; i < 3; i++)
                    dir[i] = vr[i] / vrn;
            }
            double acc = arc->force / m;
            for (int i = 0; i < 3; i++)
                a[i] += acc * dir[i];
        }
    }
    f[0] = v[0];
    f[1] = v[1];
    f[2] = v[2];
    f[3] = a[0];
    f[4] = a[1];
    f[5] = a[2];
}

/* ---- one DOP853 step ------------------------------------------------------ */

typedef struct {
    double K[16][6]; /* stage derivatives; K[12] = f(t + h, y_new) */
    double t, h;     /* step start and size */
    double y0[6];    /* state at the step start */
    double F[7][6];  /* interpolation coefficients (valid when have_dense) */
    int have_dense;
} fl_step;

/* Stages 1..11 from K[0] (given), the 8th-order y_new, and K[12] = f(y_new). */
static void fl_step_try(const jmd__arc *arc, fl_step *s, double ynew[6], long *calls)
{
    double yt[6];
    for (int st = 1; st < 12; st++) {
        for (int i = 0; i < 6; i++) {
            double acc = 0.0;
            for (int j = 0; j < st; j++)
                acc += dp_a[st][j] * s->K[j][i];
            yt[i] = s->y0[i] + s->h * acc;
        }
        fl_rhs(arc, s->t + dp_c[st] * s->h, yt, s->K[st]);
    }
    for (int i = 0; i < 6; i++) {
        double acc = 0.0;
        for (int j = 0; j < 12; j++)
            acc += dp_a[12][j] * s->K[j][i];
        ynew[i] = s->y0[i] + s->h * acc;
    }
    fl_rhs(arc, s->t + s->h, ynew, s->K[12]);
    *calls += 12;
    s->have_dense = 0;
}

/* DOP853's error norm (Hairer's combination of the 5th- and 3rd-order
 * estimates), scaled by atol + rtol * max(|y0|, |ynew|). */
static double fl_step_error(const fl_step *s, const double ynew[6], double rtol, double atol)
{
    double e5 = 0.0, e3 = 0.0;
    for (int i = 0; i < 6; i++) {
        double sc = atol + rtol * fmax(fabs(s->y0[i]), fabs(ynew[i]));
        double a5 = 0.0, a3 = 0.0;
        for (int j = 0; j < 12; j++) {
            a5 += dp_e5[j] * s->K[j][i];
            a3 += dp_a[12][j] * s->K[j][i];
        }
        a3 -= dp_bhat3[0] * s->K[0][i] + dp_bhat3[1] * s->K[8][i] + dp_bhat3[2] * s->K[11][i];
        a5 /= sc;
        a3 /= sc;
        e5 += a5 * a5;
        e3 += a3 * a3;
    }
    if (e5 == 0.0 && e3 == 0.0) return 0.0;
    double den = e5 + 0.01 * e3;
    return fabs(s->h) * e5 / sqrt(den * 6.0);
}

/* The continuous extension of an accepted step (three more evaluations). */
static void fl_step_dense(const jmd__arc *arc, fl_step *s, const double ynew[6], long *calls)
{
    if (s->have_dense) return;
    double yt[6];
    for (int st = 13; st < 16; st++) {
        for (int i = 0; i < 6; i++) {
            double acc = 0.0;
            for (int j = 0; j < st; j++)
                acc += dp_a[st][j] * s->K[j][i];
            yt[i] = s->y0[i] + s->h * acc;
        }
        fl_rhs(arc, s->t + dp_c[st] * s->h, yt, s->K[st]);
    }
    *calls += 3;
    for (int i = 0; i < 6; i++) {
        double dy = ynew[i] - s->y0[i];
        double bspl = s->h * s->K[0][i] - dy;
        s->F[0][i] = dy;
        s->F[1][i] = bspl;
        s->F[2][i] = dy - s->h * s->K[12][i] - bspl;
        for (int r = 0; r < 4; r++) {
            double acc = 0.0;
            for (int j = 0; j < 16; j++)
                acc += dp_d[r][j] * s->K[j][i];
            s->F[3 + r][i] = s->h * acc;
        }
    }
    s->have_dense = 1;
}

/* State at t in [s->t, s->t + s->h] from the continuous extension. */
static void fl_step_eval(const fl_step *s, double t, double y[6])
{
    double x = (t - s->t) / s->h, x1 = 1.0 - x;
    for (int i = 0; i < 6; i++) {
        double acc = s->F[6][i];
        acc = acc * x + s->F[5][i];
        acc = acc * x1 + s->F[4][i];
        acc = acc * x + s->F[3][i];
        acc = acc * x1 + s->F[2][i];
        acc = acc * x + s->F[1][i];
        acc = acc * x1 + s->F[0][i];
        y[i] = s->y0[i] + acc * x;
    }
}

/* ---- events ----------------------------------------------------------- */

enum { FL_G_APOGEE = 0, FL_G_REENTRY, FL_G_IMPACT, FL_NG };
static const int fl_g_kind[FL_NG] = {JMD_EV_APOGEE, JMD_EV_REENTRY, JMD_EV_IMPACT};

static double fl_g(const jmd__run *run, int which, const double y[6])
{
    if (which == FL_G_APOGEE) return y[0] * y[3] + y[1] * y[4] + y[2] * y[5];
    double h = jmd__height(y);
    return which == FL_G_REENTRY ? h - JMD_REENTRY_ALT : h - run->opts->impact_alt;
}

static int fl_g_active(const jmd__run *run, int which)
{
    if (which == FL_G_APOGEE) return !run->apogee_done;
    if (which == FL_G_REENTRY) return !run->reentry_done;
    return 1;
}

/* Root of event `which` on the interpolant between ta (g > 0) and tb (g <= 0). */
static double fl_locate(const jmd__run *run, const fl_step *s, int which, double ta, double ga,
                        double tb, double gb)
{
    double y[6];
    int side = 0;
    for (int it = 0; it < 100 && tb - ta > 1e-7; it++) {
        double t = tb - gb * (tb - ta) / (gb - ga);
        if (!(t > ta && t < tb)) t = 0.5 * (ta + tb);
        fl_step_eval(s, t, y);
        double g = fl_g(run, which, y);
        if (!isfinite(g)) break;
        if (g > 0.0) {
            ta = t;
            ga = g;
            if (side == -1) gb *= 0.5; /* Illinois: halve the stale end */
            side = -1;
        } else {
            tb = t;
            gb = g;
            if (side == 1) ga *= 0.5;
            side = 1;
        }
    }
    return tb;
}

/* Append a sample; samples closer than FL_SAMPLE_GAP merge (an event or an
 * arc end replaces a grid sample, a grid sample never replaces either). */
static int fl_push(jmd__run *run, const jmd_state *st, int priority)
{
    jmd_trajectory *tr = run->tr;
    if (tr->n > 0 && st->t - tr->s[tr->n - 1].t < FL_SAMPLE_GAP) {
        if (st->t < tr->s[tr->n - 1].t) return JMD_EINVAL;
        if (priority) tr->s[tr->n - 1] = *st;
        return 0;
    }
    return jmd__traj_push(tr, st);
}

static void fl_state(double t, const double y[6], jmd_state *st)
{
    st->t = t;
    memcpy(st->r, y, 3 * sizeof(double));
    memcpy(st->v, y + 3, 3 * sizeof(double));
}

static double fl_grid_time(const jmd__run *run)
{
    return run->grid0 + run->k_next * run->opts->output_step;
}

/* After an accepted step from s->t to t1 (state y1): record events, dense
 * samples, and detect impact (which truncates the step: *t1 and y1 are
 * moved to the impact). */
static int fl_step_output(jmd__run *run, const jmd__arc *arc, fl_step *s, double *t1,
                          double y1[6], double gprev[FL_NG], int *impact)
{
    double gnew[FL_NG], tev[FL_NG];
    int hit[FL_NG] = {0}, any = 0, rc;
    double tend = *t1;

    for (int k = 0; k < FL_NG; k++) {
        gnew[k] = fl_g(run, k, y1);
        if (fl_g_active(run, k) && gprev[k] > 0.0 && gnew[k] <= 0.0) {
            hit[k] = 1;
            any = 1;
        }
    }
    int need_grid = run->dense && fl_grid_time(run) <= tend;
    if (any || need_grid) fl_step_dense(arc, s, y1, &run->rhs_calls);
    if (any) {
        for (int k = 0; k < FL_NG; k++)
            if (hit[k]) tev[k] = fl_locate(run, s, k, s->t, gprev[k], tend, gnew[k]);
        if (hit[FL_G_IMPACT]) {
            tend = tev[FL_G_IMPACT];
            /* Events after the impact (none in practice) are dropped. */
            for (int k = 0; k < FL_G_IMPACT; k++)
                if (hit[k] && tev[k] > tend) hit[k] = 0;
        }
    }
    /* Emit grid samples and events in time order. */
    for (;;) {
        int kmin = -1;
        for (int k = 0; k < FL_NG; k++)
            if (hit[k] && (kmin < 0 || tev[k] < tev[kmin])) kmin = k;
        double tg = run->dense ? fl_grid_time(run) : INFINITY;
        if (tg > tend) tg = INFINITY;
        if (kmin < 0 && !isfinite(tg)) break;
        jmd_state st;
        double y[6];
        if (kmin >= 0 && tev[kmin] <= tg) {
            fl_step_eval(s, tev[kmin], y);
            fl_state(tev[kmin], y, &st);
            if ((rc = fl_push(run, &st, 1)) != 0) return rc;
            if ((rc = jmd__traj_event(run->tr, fl_g_kind[kmin], -1, &st)) != 0) return rc;
            if (kmin == FL_G_APOGEE) run->apogee_done = 1;
            if (kmin == FL_G_REENTRY) run->reentry_done = 1;
            hit[kmin] = 0;
            if (kmin == FL_G_IMPACT) {
                *impact = 1;
                *t1 = tev[kmin];
                memcpy(y1, y, sizeof y);
                break;
            }
        } else {
            fl_step_eval(s, tg, y);
            fl_state(tg, y, &st);
            if ((rc = fl_push(run, &st, 0)) != 0) return rc;
            run->k_next += 1.0;
        }
    }
    memcpy(gprev, gnew, sizeof gnew);
    return 0;
}

/* Starting step size (Hairer's heuristic, as in DOP853's HINIT). */
static double fl_initial_step(const jmd__arc *arc, double t, const double y[6],
                              const double f0[6], double rtol, double atol, long *calls)
{
    double d0 = 0, d1 = 0, d2 = 0, y1[6], f1[6];
    for (int i = 0; i < 6; i++) {
        double sc = atol + rtol * fabs(y[i]);
        d0 += (y[i] / sc) * (y[i] / sc);
        d1 += (f0[i] / sc) * (f0[i] / sc);
    }
    d0 = sqrt(d0 / 6);
    d1 = sqrt(d1 / 6);
    double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
    h0 = fmin(h0, FL_HMAX);
    for (int i = 0; i < 6; i++)
        y1[i] = y[i] + h0 * f0[i];
    fl_rhs(arc, t + h0, y1, f1);
    (*calls)++;
    for (int i = 0; i < 6; i++) {
        double sc = atol + rtol * fabs(y[i]);
        double d = (f1[i] - f0[i]) / sc;
        d2 += d * d;
    }
    d2 = sqrt(d2 / 6) / h0;
    double dm = fmax(d1, d2);
    double h1 = dm <= 1e-15 ? fmax(1e-6, h0 * 1e-3) : pow(0.01 / dm, 1.0 / 8.0);
    return fmin(100 * h0, h1);
}

void jmd__run_init(jmd__run *run, const jmd_flight_opts *opts, jmd_trajectory *tr, int dense,
                   double t_start)
{
    memset(run, 0, sizeof *run);
    run->opts = opts;
    run->tr = tr;
    run->dense = dense;
    run->grid0 = t_start;
    run->k_next = 1.0;
    run->t_stop = t_start + opts->max_time;
    for (int i = 0; i < tr->nev; i++) {
        if (tr->ev[i].kind == JMD_EV_APOGEE) run->apogee_done = 1;
        if (tr->ev[i].kind == JMD_EV_REENTRY) run->reentry_done = 1;
    }
}

static int fl_finite6(const double y[6])
{
    for (int i = 0; i < 6; i++)
        if (!isfinite(y[i])) return 0;
    return 1;
}

int jmd__arc_run(jmd__run *run, const jmd__arc *arc, double *tp, double y[6], double t_end,
                 int *impact)
{
    const jmd_flight_opts *o = run->opts;
    double t = *tp, gprev[FL_NG], ynew[6];
    fl_step s;
    int rc, rejected = 0;
    jmd_state st;

    *impact = 0;
    if (t_end > run->t_stop) t_end = run->t_stop;
    if (!fl_finite6(y)) return JMD_ENOCONV;
    if (t_end > t) {
        for (int k = 0; k < FL_NG; k++)
            gprev[k] = fl_g(run, k, y);
        fl_rhs(arc, t, y, s.K[0]);
        run->rhs_calls++;
        double h = fl_initial_step(arc, t, y, s.K[0], o->rtol, o->atol, &run->rhs_calls);
        for (long n = 0; t < t_end; n++) {
            if (n > FL_MAX_STEPS) return JMD_ENOCONV;
            double hmin = fmax(1e-9, 8.0 * 2.220446049250313e-16 * fabs(t));
            h = fmin(h, FL_HMAX);
            int last = 0;
            /* Land exactly on t_end; stretch a step that would leave a sliver. */
            if (t + 1.01 * h >= t_end) {
                h = t_end - t;
                last = 1;
            }
            s.t = t;
            s.h = h;
            memcpy(s.y0, y, sizeof s.y0);
            fl_step_try(arc, &s, ynew, &run->rhs_calls);
            double err = fl_step_error(&s, ynew, o->rtol, o->atol);
            if (!(err <= 1.0) || !fl_finite6(ynew)) {
                double fac =
                    (err > 0.0 && isfinite(err)) ? fmax(0.2, 0.9 * pow(err, -0.125)) : 0.2;
                h *= fac;
                rejected = 1;
                if (h < hmin) return JMD_ENOCONV;
                continue;
            }
            double t1 = last ? t_end : t + h;
            if (ynew[0] * ynew[0] + ynew[1] * ynew[1] + ynew[2] * ynew[2] <
                FL_MIN_RADIUS * FL_MIN_RADIUS)
                return JMD_ENOCONV;
            if ((rc = fl_step_output(run, arc, &s, &t1, ynew, gprev, impact)) != 0) return rc;
            memcpy(y, ynew, sizeof ynew);
            t = t1;
            if (*impact) {
                *tp = t;
                return 0;
            }
            double fac = err == 0.0 ? 10.0 : fmin(10.0, 0.9 * pow(err, -0.125));
            if (rejected) fac = fmin(1.0, fac);
            rejected = 0;
            h *= fac;
            memcpy(s.K[0], s.K[12], sizeof s.K[0]);
        }
    }
    fl_state(t, y, &st);
    if ((rc = fl_push(run, &st, 1)) != 0) return rc;
    *tp = t;
    return 0;
}

/* ---- options and the public coast ----------------------------------------- */

void jmd_flight_opts_default(jmd_flight_opts *o)
{
    if (!o) return;
    o->j2 = 1;
    o->drag = 1;
    /* See docs/flight.md: at these settings free flight agrees with Kepler
     * to micrometres, a full ICBM flight's impact point is within ~2 m of
     * its converged value (rtol 1e-13), and the flight costs ~1 ms. */
    o->rtol = 1e-10;
    o->atol = 1e-4;
    o->output_step = 1.0;
    o->impact_alt = 0.0;
    o->max_time = 3.0 * 3600.0;
}

int jmd__opts_check(const jmd_flight_opts *o)
{
    if (!o) return JMD_EINVAL;
    if ((o->j2 != 0 && o->j2 != 1) || (o->drag != 0 && o->drag != 1)) return JMD_EINVAL;
    /* Below ~1e-14 the error control asks for more than double precision holds. */
    if (!(o->rtol >= 1e-14 && o->rtol <= 1e-2)) return JMD_EINVAL;
    if (!(o->atol > 0.0 && o->atol <= 1e6)) return JMD_EINVAL;
    if (!(o->output_step > 0.0) || !isfinite(o->output_step)) return JMD_EINVAL;
    if (!(o->impact_alt >= -5000.0 && o->impact_alt < 1e6)) return JMD_EINVAL;
    /* Up to 30 days of flight and at most 1e7 output samples. */
    if (!(o->max_time > 0.0 && o->max_time <= 30.0 * 86400.0)) return JMD_EINVAL;
    if (o->max_time / o->output_step > 1e7) return JMD_EINVAL;
    return 0;
}

static int fl_state_ok(const jmd_state *s)
{
    if (!isfinite(s->t)) return 0;
    for (int i = 0; i < 3; i++)
        if (!isfinite(s->r[i]) || !isfinite(s->v[i])) return 0;
    return 1;
}

int jmd_flight_coast(const jmd_state *start, double beta, const jmd_flight_opts *opts,
                     jmd_trajectory *out)
{
    jmd__run run;
    jmd__arc arc;
    double y[6], t;
    int rc, impact = 0;

    if (!start || !out || !fl_state_ok(start) || isnan(beta)) return JMD_EINVAL;
    if ((rc = jmd__opts_check(opts)) != 0) return rc;
    if (jmd_vec_norm(start->r) < FL_MIN_RADIUS) return JMD_EINVAL;
    if (out->n > 0 && out->s[out->n - 1].t > start->t) return JMD_EINVAL;

    if ((rc = fl_push(&(jmd__run){.tr = out}, start, 1)) != 0) return rc;
    jmd__run_init(&run, opts, out, 1, start->t);
    memset(&arc, 0, sizeof arc);
    arc.j2 = opts->j2;
    arc.inv_beta = (beta > 0.0 && isfinite(beta)) ? 1.0 / beta : 0.0;
    arc.drag = opts->drag && arc.inv_beta > 0.0;
    memcpy(y, start->r, sizeof start->r);
    memcpy(y + 3, start->v, sizeof start->v);
    t = start->t;

    /* Already at or below the impact height and not climbing: impact now. */
    double hgt = jmd__height(start->r);
    if (hgt <= opts->impact_alt && jmd_vec_dot(start->r, start->v) <= 0.0)
        return jmd__traj_event(out, JMD_EV_IMPACT, -1, start);

    return jmd__arc_run(&run, &arc, &t, y, run.t_stop, &impact);
}

/*
 * atmosphere.c — the US Standard Atmosphere 1976 (NOAA/NASA/USAF,
 * NOAA-S/T 76-1562, October 1976) from -5 km to 1,000 km geometric height.
 *
 * Below 86 km the standard's defining equations: seven layers of linear
 * molecular-scale temperature in geopotential height (Part 1, Table 4),
 * hydrostatic pressure (eqs. 33a/33b), density from the perfect-gas law
 * (eq. 42), speed of sound (eq. 50), and the kinetic temperature from the
 * molecular-weight ratio M/M0 between 80 and 86 km (Table 8).
 * From 86 to 1,000 km the standard integrates diffusion equations for six
 * species; instead of repeating that we use its printed results:
 *  - kinetic temperature from its closed-form profile (eqs. 23-31: isothermal
 *    86-91 km, elliptical 91-110 km, linear 110-120 km, exponential above);
 *  - density by log-linear interpolation of Table I (geometric-altitude
 *    pages 68-73) on nodes 1 km apart to 100 km, 2 km to 150 km, 5 km to
 *    300 km and 10-25 km above, so the interpolation error (< 0.3 %) stays
 *    below the table's own four significant figures' worth of meaning for
 *    drag;
 *  - pressure p = rho R* T / M, with the mean molecular weight M taken from
 *    Table I's own rows (M = rho R* T / p) and interpolated linearly, so p
 *    reproduces the table at its rows;
 *  - the standard defines no speed of sound above 86 km (the mean free path
 *    becomes comparable to an acoustic wavelength); we return the formal
 *    sqrt(1.4 p / rho) there.
 * Above 1,000 km the density decays exponentially with the scale height of
 * the last table interval (about 230 km); temperature stays 1,000 K.
 *
 * Workload: jmd__atm_density runs in every right-hand-side evaluation of
 * atmospheric flight (millions per targeting sweep): no allocation, one
 * bisection over 100 nodes above 86 km, one pow or exp below.
 */
#include <math.h>
#include <stddef.h>

#include "flight/flight__prop.h"

/* US 1976 constants (Part 1, Table 2 and p. 8). */
#define ATM_RSTAR 8314.32  /* J/(kmol K), gas constant */
#define ATM_M0 28.9644     /* kg/kmol, sea-level mean molecular weight */
#define ATM_G0 9.80665     /* m/s^2 (m'^2/s^2 per m' of geopotential) */
#define ATM_R0 6356766.0   /* m, Earth radius for geopotential height */
#define ATM_GAMMA 1.4      /* ratio of specific heats */
#define ATM_HMIN (-5000.0) /* m, lowest geometric height of the standard */
#define ATM_Z86 86000.0    /* m */
#define ATM_ZTOP 1000000.0 /* m */

/* Table 4: base geopotential height (m'), molecular-scale temperature (K),
 * lapse rate (K/m') and pressure (Pa) of the seven layers. */
static const double atm_hb[8] = {0.0,     11000.0, 20000.0, 32000.0,
                                 47000.0, 51000.0, 71000.0, 84852.0};
static const double atm_tb[7] = {288.15, 216.65, 216.65, 228.65, 270.65, 270.65, 214.65};
static const double atm_lb[7] = {-0.0065, 0.0, 0.0010, 0.0028, 0.0, -0.0028, -0.0020};
static const double atm_pb[7] = {101325.0, 22632.06, 5474.889, 868.0187,
                                 110.9063, 66.93887, 3.956420};

/* Table 8: M/M0 from 80 to 86 km geometric, every 0.5 km. */
static const double atm_mratio[13] = {1.000000, 0.999996, 0.999989, 0.999971, 0.999941,
                                      0.999909, 0.999870, 0.999829, 0.999786, 0.999741,
                                      0.999694, 0.999641, 0.999579};

/* Table I, geometric altitude: density nodes above 86 km (z m, rho kg/m^3). */
static const double atm_up_z[] = {
    86e3,  87e3,  88e3,  89e3,  90e3,  91e3,  92e3,  93e3,  94e3,  95e3,  96e3,  97e3,  98e3,
    99e3,  100e3, 102e3, 104e3, 106e3, 108e3, 110e3, 112e3, 114e3, 116e3, 118e3, 120e3, 122e3,
    124e3, 126e3, 128e3, 130e3, 132e3, 134e3, 136e3, 138e3, 140e3, 142e3, 144e3, 146e3, 148e3,
    150e3, 155e3, 160e3, 165e3, 170e3, 175e3, 180e3, 185e3, 190e3, 195e3, 200e3, 205e3, 210e3,
    215e3, 220e3, 225e3, 230e3, 235e3, 240e3, 245e3, 250e3, 255e3, 260e3, 265e3, 270e3, 275e3,
    280e3, 285e3, 290e3, 295e3, 300e3, 310e3, 320e3, 340e3, 360e3, 380e3, 400e3, 420e3, 440e3,
    460e3, 480e3, 500e3, 525e3, 550e3, 575e3, 600e3, 625e3, 650e3, 675e3, 700e3, 725e3, 750e3,
    775e3, 800e3, 825e3, 850e3, 875e3, 900e3, 925e3, 950e3, 975e3, 1000e3};
static const double atm_up_rho[] = {
    6.958e-6,  5.824e-6,  4.875e-6,  4.081e-6,  3.416e-6,  2.860e-6,  2.393e-6,  2.000e-6,
    1.670e-6,  1.393e-6,  1.162e-6,  9.685e-7,  8.071e-7,  6.725e-7,  5.604e-7,  3.935e-7,
    2.769e-7,  1.954e-7,  1.381e-7,  9.708e-8,  6.838e-8,  4.975e-8,  3.720e-8,  2.847e-8,
    2.222e-8,  1.767e-8,  1.428e-8,  1.171e-8,  9.717e-9,  8.152e-9,  6.904e-9,  5.897e-9,
    5.074e-9,  4.396e-9,  3.831e-9,  3.358e-9,  2.958e-9,  2.618e-9,  2.326e-9,  2.076e-9,
    1.585e-9,  1.233e-9,  9.750e-10, 7.815e-10, 6.339e-10, 5.194e-10, 4.295e-10, 3.581e-10,
    3.006e-10, 2.541e-10, 2.160e-10, 1.846e-10, 1.585e-10, 1.367e-10, 1.184e-10, 1.029e-10,
    8.979e-11, 7.858e-11, 6.898e-11, 6.073e-11, 5.360e-11, 4.742e-11, 4.206e-11, 3.738e-11,
    3.329e-11, 2.971e-11, 2.656e-11, 2.378e-11, 2.133e-11, 1.916e-11, 1.552e-11, 1.264e-11,
    8.503e-12, 5.805e-12, 4.013e-12, 2.803e-12, 1.975e-12, 1.402e-12, 1.002e-12, 7.208e-13,
    5.215e-13, 3.509e-13, 2.384e-13, 1.637e-13, 1.137e-13, 7.998e-14, 5.712e-14, 4.148e-14,
    3.070e-14, 2.318e-14, 1.788e-14, 1.410e-14, 1.136e-14, 9.339e-15, 7.824e-15, 6.664e-15,
    5.759e-15, 5.038e-15, 4.453e-15, 3.968e-15, 3.561e-15};
#define ATM_NUP (sizeof atm_up_z / sizeof atm_up_z[0])
_Static_assert(sizeof atm_up_z == sizeof atm_up_rho, "one density per node");

/* Table I rows with temperature (K), pressure (Pa) and density (kg/m^3):
 * they give the mean molecular weight M = rho R* T / p for the pressure. */
static const double atm_row[][4] = {
    {86e3, 186.87, 3.7338e-1, 6.958e-6},   {90e3, 186.87, 1.8359e-1, 3.416e-6},
    {95e3, 188.42, 7.5966e-2, 1.393e-6},   {100e3, 195.08, 3.2011e-2, 5.604e-7},
    {105e3, 208.84, 1.4481e-2, 2.325e-7},  {110e3, 240.00, 7.1042e-3, 9.708e-8},
    {115e3, 300.00, 4.0096e-3, 4.289e-8},  {120e3, 360.00, 2.5382e-3, 2.222e-8},
    {130e3, 469.27, 1.2505e-3, 8.152e-9},  {140e3, 559.63, 7.2028e-4, 3.831e-9},
    {150e3, 634.39, 4.5422e-4, 2.076e-9},  {160e3, 696.29, 3.0395e-4, 1.233e-9},
    {170e3, 747.57, 2.1210e-4, 7.815e-10}, {180e3, 790.07, 1.5271e-4, 5.194e-10},
    {190e3, 825.31, 1.1266e-4, 3.581e-10}, {200e3, 854.56, 8.4736e-5, 2.541e-10},
    {250e3, 941.33, 2.4767e-5, 6.073e-11}, {300e3, 976.01, 8.7704e-6, 1.916e-11},
    {350e3, 990.06, 3.4498e-6, 7.014e-12}, {400e3, 995.83, 1.4518e-6, 2.803e-12},
    {450e3, 998.22, 6.4468e-7, 1.184e-12}, {500e3, 999.24, 3.0236e-7, 5.215e-13},
    {600e3, 999.85, 8.2130e-8, 1.137e-13}, {700e3, 999.97, 3.1908e-8, 3.070e-14},
    {800e3, 999.99, 1.7036e-8, 1.136e-14}, {900e3, 1000.0, 1.0873e-8, 5.759e-15},
    {1000e3, 1000.0, 7.5138e-9, 3.561e-15}};
#define ATM_NROW (sizeof atm_row / sizeof atm_row[0])

/* Below 86 km: molecular-scale temperature and pressure at geometric z. */
static void atm_lower(double z, double *tm, double *p)
{
    double h = ATM_R0 * z / (ATM_R0 + z); /* geopotential height, eq. 18 */
    int b = 0;
    while (b < 6 && h >= atm_hb[b + 1])
        b++;
    double dh = h - atm_hb[b];
    double t = atm_tb[b] + atm_lb[b] * dh;
    if (atm_lb[b] == 0.0)
        *p = atm_pb[b] * exp(-ATM_G0 * ATM_M0 * dh / (ATM_RSTAR * atm_tb[b]));
    else
        *p = atm_pb[b] * pow(atm_tb[b] / t, ATM_G0 * ATM_M0 / (ATM_RSTAR * atm_lb[b]));
    *tm = t;
}

/* Kinetic temperature above 86 km (eqs. 23-31); z in m. */
static double atm_upper_temperature(double z)
{
    double zk = z / 1e3;
    if (zk < 91.0) return 186.8673;
    if (zk < 110.0) {
        double u = (zk - 91.0) / -19.9429;
        return 263.1905 - 76.3232 * sqrt(fmax(0.0, 1.0 - u * u));
    }
    if (zk < 120.0) return 240.0 + 12.0 * (zk - 110.0);
    double r0 = ATM_R0 / 1e3;
    double xi = (zk - 120.0) * (r0 + 120.0) / (r0 + zk);
    return 1000.0 - 640.0 * exp(-0.01875 * xi);
}

/* Interval index i with atm_up_z[i] <= z < atm_up_z[i+1], for 86 km <= z <= 1000 km. */
static size_t atm_upper_index(double z)
{
    size_t lo = 0, hi = ATM_NUP - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (atm_up_z[mid] <= z)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static double atm_upper_density(double z)
{
    if (z >= ATM_ZTOP) {
        /* Scale height of the last interval. */
        size_t n = ATM_NUP;
        double hs =
            (atm_up_z[n - 1] - atm_up_z[n - 2]) / log(atm_up_rho[n - 2] / atm_up_rho[n - 1]);
        return atm_up_rho[n - 1] * exp(-(z - ATM_ZTOP) / hs);
    }
    size_t i = atm_upper_index(z);
    double u = (z - atm_up_z[i]) / (atm_up_z[i + 1] - atm_up_z[i]);
    return atm_up_rho[i] * pow(atm_up_rho[i + 1] / atm_up_rho[i], u);
}

/* Mean molecular weight (kg/kmol) above 86 km from Table I's rows. */
static double atm_upper_molar(double z)
{
    size_t i = 0;
    if (z >= ATM_ZTOP)
        i = ATM_NROW - 2;
    else
        while (i + 2 < ATM_NROW && atm_row[i + 1][0] <= z)
            i++;
    const double *a = atm_row[i], *b = atm_row[i + 1];
    double ma = a[3] * ATM_RSTAR * a[1] / a[2];
    double mb = b[3] * ATM_RSTAR * b[1] / b[2];
    double u = fmin(1.0, (z - a[0]) / (b[0] - a[0]));
    return ma + (mb - ma) * u;
}

double jmd__atm_density(double h)
{
    if (!(h > ATM_HMIN)) h = ATM_HMIN; /* also maps NaN to the floor */
    if (h < ATM_Z86) {
        double tm, p;
        atm_lower(h, &tm, &p);
        return p * ATM_M0 / (ATM_RSTAR * tm);
    }
    double rho = atm_upper_density(h);
    return rho > 0.0 ? rho : 0.0;
}

int jmd_atmosphere(double h, double *density, double *pressure, double *temperature,
                   double *sound_speed)
{
    double rho, p, t, c;

    if (!(h >= ATM_HMIN) || isinf(h)) return JMD_EINVAL; /* NaN fails the first test */
    if (h < ATM_Z86) {
        double tm;
        atm_lower(h, &tm, &p);
        rho = p * ATM_M0 / (ATM_RSTAR * tm);
        c = sqrt(ATM_GAMMA * ATM_RSTAR * tm / ATM_M0);
        t = tm;
        if (h > 80e3) {
            /* Kinetic temperature T = TM * M / M0 (Table 8, linear between entries). */
            double x = (h - 80e3) / 500.0;
            size_t i = (size_t)x;
            if (i > 11) i = 11;
            double ratio =
                atm_mratio[i] + (atm_mratio[i + 1] - atm_mratio[i]) * (x - (double)i);
            t = tm * ratio;
        }
    } else {
        rho = atm_upper_density(h);
        t = h >= ATM_ZTOP ? 1000.0 : atm_upper_temperature(h);
        p = rho * ATM_RSTAR * t / atm_upper_molar(h);
        c = rho > 0.0 ? sqrt(ATM_GAMMA * p / rho)
                      : sqrt(ATM_GAMMA * ATM_RSTAR * t / atm_upper_molar(h));
    }
    if (density) *density = rho;
    if (pressure) *pressure = p;
    if (temperature) *temperature = t;
    if (sound_speed) *sound_speed = c;
    return 0;
}

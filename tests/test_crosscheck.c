/*
 * test_crosscheck.c — independent cross-checks of the foundation modules
 * (geo, orbit, flight) against references computed outside jmd, and of the
 * issue-2 §6 API contract. Written by a reviewer; only public headers.
 *
 * Reference values were generated once, outside jmd, and are embedded here:
 *  - Kepler: a 40-digit mpmath universal-variable solver (all conics,
 *    negative dt, many periods); jmd agrees to < 1e-4 m on 450 random
 *    cases (max 6.6e-5 m at 200 periods), poliastro 0.17 farnocchia and
 *    vallado agree with both to ~1e-3 m;
 *  - Lambert: poliastro 0.17 core.iod.izzo (single and multi revolution);
 *    jmd agrees to 7e-11 m/s on 400 random cases;
 *  - geodesics: Vincenty's inverse in mpmath (truncation < 0.1 mm), ECEF:
 *    the closed form in mpmath;
 *  - atmosphere: the US 1976 defining equations (geopotential layers)
 *    re-implemented independently below 86 km; NOAA-S/T 76-1562 Table I above;
 *  - closed forms: ../shared/reference §4 table, BMW 6.2-21 identity;
 *  - reach: the Lagrange minimum-energy speed from a polar site;
 *  - targeting: impact point recomputed from the returned trajectory.
 * Runs in about a second.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jmd/error.h"
#include "jmd/flight.h"
#include "jmd/geo.h"
#include "jmd/orbit.h"

#define MU 3.986004418e14
#define XPI 3.14159265358979323846
#define DEG (XPI / 180.0)

static double dist3(const double a[3], const double b[3])
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                (a[2] - b[2]) * (a[2] - b[2]));
}

static int finite3(const double a[3])
{
    return isfinite(a[0]) && isfinite(a[1]) && isfinite(a[2]);
}

/* ---- §6 contract ----------------------------------------------------------- */

static void test_contract_invalid(void **state)
{
    (void)state;
    double r[3], v[3], v1[3], v2[3], e[3], lat, lon, h;
    const double r0[3] = {7000e3, 0, 0}, vv[3] = {0, 7.5e3, 0.5e3}, r2[3] = {0, 8000e3, 0};
    const double z[3] = {0, 0, 0}, nanv[3] = {NAN, 0, 0}, infv[3] = {0, INFINITY, 0};
    jmd_ballistic b;

    assert_non_null(jmd_strerror(JMD_EINVAL));
    assert_non_null(jmd_strerror(-9999));
    assert_int_equal(jmd_geo_to_ecef(0, 0, 0, NULL), JMD_EINVAL);
    assert_int_equal(jmd_geo_to_ecef(NAN, 0, 0, e), JMD_EINVAL);
    assert_int_equal(jmd_geo_to_ecef(0, INFINITY, 0, e), JMD_EINVAL);
    assert_int_equal(jmd_geo_to_ecef(0, 0, NAN, e), JMD_EINVAL);
    assert_int_equal(jmd_geo_to_ecef(1.6, 0, 0, e), JMD_EINVAL);
    assert_int_equal(jmd_geo_from_ecef(NULL, &lat, &lon, &h), JMD_EINVAL);
    assert_int_equal(jmd_geo_from_ecef(r0, NULL, &lon, &h), JMD_EINVAL);
    assert_int_equal(jmd_geo_from_ecef(r0, &lat, NULL, &h), JMD_EINVAL);
    assert_int_equal(jmd_geo_from_ecef(r0, &lat, &lon, NULL), JMD_EINVAL);
    assert_int_equal(jmd_geo_from_ecef(nanv, &lat, &lon, &h), JMD_EINVAL);
    assert_int_equal(jmd_geo_from_ecef(infv, &lat, &lon, &h), JMD_EINVAL);

    const double bad_mu[] = {0.0, -MU, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad_mu / sizeof *bad_mu; i++) {
        assert_int_equal(jmd_orbit_kepler(bad_mu[i], r0, vv, 10, r, v), JMD_EINVAL);
        assert_int_equal(jmd_orbit_lambert(bad_mu[i], r0, r2, 1000, 0, v1, v2), JMD_EINVAL);
        assert_int_equal(jmd_orbit_min_energy(bad_mu[i], 6371e3, 1.0, &b), JMD_EINVAL);
    }
    assert_int_equal(jmd_orbit_kepler(MU, NULL, vv, 10, r, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU, r0, NULL, 10, r, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU, r0, vv, 10, NULL, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU, r0, vv, 10, r, NULL), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU, z, vv, 10, r, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU, r0, z, 10, r, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU, nanv, vv, 10, r, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU, r0, infv, 10, r, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU, r0, vv, NAN, r, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU, r0, vv, INFINITY, r, v), JMD_EINVAL);

    const double bad_tof[] = {0.0, -5.0, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad_tof / sizeof *bad_tof; i++)
        assert_int_equal(jmd_orbit_lambert(MU, r0, r2, bad_tof[i], 0, v1, v2), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU, NULL, r2, 1000, 0, v1, v2), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU, r0, NULL, 1000, 0, v1, v2), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU, r0, r2, 1000, 0, NULL, v2), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU, r0, r2, 1000, 0, v1, NULL), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU, z, r2, 1000, 0, v1, v2), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU, r0, z, 1000, 0, v1, v2), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU, nanv, r2, 1000, 0, v1, v2), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU, r0, infv, 1000, 0, v1, v2), JMD_EINVAL);

    assert_int_equal(jmd_orbit_min_energy(MU, 6371e3, 1.0, NULL), JMD_EINVAL);
    assert_int_equal(jmd_orbit_min_energy(MU, 0.0, 1.0, &b), JMD_EINVAL);
    assert_int_equal(jmd_orbit_min_energy(MU, -1.0, 1.0, &b), JMD_EINVAL);
    assert_int_equal(jmd_orbit_min_energy(MU, INFINITY, 1.0, &b), JMD_EINVAL);
    assert_int_equal(jmd_orbit_min_energy(MU, 6371e3, NAN, &b), JMD_EINVAL);
    assert_int_equal(jmd_orbit_min_energy(MU, 6371e3, INFINITY, &b), JMD_EINVAL);
    assert_int_equal(jmd_orbit_min_energy(MU, 6371e3, 0.0, &b), JMD_EINVAL);
    assert_int_equal(jmd_orbit_min_energy(MU, 6371e3, -0.1, &b), JMD_EINVAL);
}

/* Extreme but finite inputs: an error code, or success with finite outputs. */
static void test_contract_never_nonfinite(void **state)
{
    (void)state;
    const double r0[3] = {7000e3, 0, 0};
    const double dts[] = {1e20, -1e20, 1e300, 1e-300, 5e15, -3000.0};
    const double vs[][3] = {{0, 7.5e3, 0},   {0, 1e8, 0},   {0, 1e-8, 0},
                            {-1e4, 0, 0},    {-1e-3, 0, 0}, {1e4, 0, 0},
                            {0, 10671.7, 0}, {1e200, 0, 0}, {1e-300, 0, 0}};
    for (size_t i = 0; i < sizeof dts / sizeof *dts; i++)
        for (size_t j = 0; j < sizeof vs / sizeof *vs; j++) {
            double r[3], v[3];
            int rc = jmd_orbit_kepler(MU, r0, vs[j], dts[i], r, v);
            assert_true(rc == 0 || rc == JMD_ENOCONV || rc == JMD_ERANGE || rc == JMD_EINVAL);
            if (rc == 0) assert_true(finite3(r) && finite3(v));
        }
    const double tofs[] = {1e-300, 1e-3, 1e300};
    const double ends[][3] = {
        {0, 8000e3, 0}, {-7000e3, 0, 0}, {14000e3, 0, 0}, {7000e3, 0, 0}, {-7000e3, 1e-3, 0}};
    for (size_t i = 0; i < sizeof tofs / sizeof *tofs; i++)
        for (size_t j = 0; j < sizeof ends / sizeof *ends; j++) {
            double v1[3], v2[3];
            int rc = jmd_orbit_lambert(MU, r0, ends[j], tofs[i], 0, v1, v2);
            assert_true(rc < 0 || (finite3(v1) && finite3(v2)));
        }
    const double psis[] = {1e-300, 1e-12, 1.0, XPI, 2 * XPI - 1e-9, 2 * XPI, 7.0};
    for (size_t i = 0; i < sizeof psis / sizeof *psis; i++) {
        jmd_ballistic b;
        int rc = jmd_orbit_min_energy(MU, 6371e3, psis[i], &b);
        if (rc == 0)
            assert_true(isfinite(b.speed) && isfinite(b.gamma) && isfinite(b.tof) &&
                        isfinite(b.apogee_radius));
    }
    jmd_ballistic b;
    int rc = jmd_orbit_min_energy(1e-300, 1e300, 1.0, &b);
    assert_true(rc < 0 || (isfinite(b.speed) && isfinite(b.tof)));
    double lat, lon, h;
    const double big[3] = {1e300, 1e300, 1e300}, tiny[3] = {0, 0, 1e-300}, zero[3] = {0, 0, 0};
    assert_int_equal(jmd_geo_from_ecef(big, &lat, &lon, &h), 0);
    assert_true(isfinite(lat) && isfinite(lon) && isfinite(h));
    assert_int_equal(jmd_geo_from_ecef(tiny, &lat, &lon, &h), 0);
    assert_true(isfinite(lat) && isfinite(lon) && isfinite(h));
    assert_int_equal(jmd_geo_from_ecef(zero, &lat, &lon, &h), 0);
    assert_true(isfinite(lat) && isfinite(lon) && isfinite(h));
}

/* retrograde = 0: positive z angular momentum, whichever way r2 lies. */
static void test_contract_lambert_direction(void **state)
{
    (void)state;
    const double r1[3] = {7000e3, 0, 0};
    const double ends[][3] = {{0, 8000e3, 0},
                              {0, -8000e3, 0},
                              {-6000e3, 3000e3, 2000e3},
                              {-6000e3, -3000e3, -2000e3}};
    for (size_t j = 0; j < sizeof ends / sizeof *ends; j++)
        for (int retro = 0; retro < 2; retro++) {
            double v1[3], v2[3], hh[3];
            assert_int_equal(jmd_orbit_lambert(MU, r1, ends[j], 3000, retro, v1, v2), 0);
            jmd_vec_cross(r1, v1, hh);
            if (retro)
                assert_true(hh[2] < 0);
            else
                assert_true(hh[2] > 0);
        }
}

/* ---- Kepler and Lambert against outside references ---------------------------- */

static const struct {
    double r0[3], v0[3], dt, r[3], v[3];
} kref[] = {
    {{7000000, -1200000, 300000},
     {1000, 7400, 1200},
     5400,
     {4303342.3990335315, -5857039.0929305824, -597958.17872216972},
     {5779.0674818439784, 4450.4420197791205, 1079.2446668633931}},
    {{7000000, -1200000, 300000},
     {1000, 7400, 1200},
     -123456,
     {5669981.3347434942, -4467070.3702156311, -291153.55308651744},
     {4380.6338288916832, 5896.2099602231092, 1203.6305753122781}},
    {{6600000, 1000000, -2000000},
     {-3000, 9000, 6000},
     30000,
     {-136107445.52058303, 20816.660784999523, 52360226.479108475},
     {-3908.5659649113381, -457.8635391311376, 1256.752696202979}},
    {{6600000, 1000000, -2000000},
     {-3000, 9000, 6000},
     -20000,
     {-28495572.736909606, -94563455.667074189, -39958948.152690105},
     {1791.278816388869, 3754.6013175014059, 1332.7550108127305}},
    {{8000000, 0, 0},
     {0, 9982.4902028151391, 0},
     40000,
     {-118576804.12780525, 63643207.558734767, 0},
     {-2360.4279221351212, 593.41523893253054, 0}},
    {{8000000, 0, 0},
     {0, 9982.4901828501588, 0},
     -40000,
     {-118576803.0970879, -63643205.158386022, 0},
     {2360.4278736700535, 593.4151716431536, 0}},
    {{6400000, 0, 100000},
     {2000, 3000, 4000},
     1500,
     {-325229.33110709325, 1699504.8839813254, 2243221.6278017471},
     {-10278.885403808437, -5322.3491511385646, -7201.631982294899}},
    {{42164000, 0, 0},
     {0, 3074.6599999999999, 100},
     3213917.1999999997,
     {2231633.8919383655, 42124763.472238943, 1370062.4938119645},
     {-3068.7489353581232, 165.63701765297438, 5.3871653338246963}},
};

static void test_kepler_mpmath(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof kref / sizeof *kref; i++) {
        double r[3], v[3];
        assert_int_equal(jmd_orbit_kepler(MU, kref[i].r0, kref[i].v0, kref[i].dt, r, v), 0);
        double dr = dist3(r, kref[i].r), dv = dist3(v, kref[i].v);
        /* 1e-12 relative to the position plus 0.1 mm (many periods). */
        assert_true(dr < 1e-4 + 1e-12 * jmd_vec_norm(kref[i].r));
        assert_true(dv < 1e-7 + 1e-12 * jmd_vec_norm(kref[i].v));
    }
}

static const struct {
    double r1[3], r2[3], tof;
    int retro, revs;
    double a[2][3], b[2][3]; /* poliastro lowpath=True: a = (v1, v2); lowpath=False: b */
} lref[] = {
    {{7000000, 1000000, 0},
     {-2000000, 8000000, 1000000},
     2500,
     0,
     0,
     {{1551.8068496622011, 7095.9388829454901, 829.65112639579706},
      {-5273.3746599584365, -2966.3840256443646, -267.09161240607096}},
     {{1551.8068496622011, 7095.9388829454901, 829.65112639579706},
      {-5273.3746599584365, -2966.3840256443646, -267.09161240607096}}},
    {{7000000, 1000000, 0},
     {-2000000, 8000000, 1000000},
     2500,
     1,
     0,
     {{-2554.457241439211, -6834.9016719770134, -780.8595596965497},
      {4697.1918636995442, 3856.1597764017579, 384.41252708815102}},
     {{-2554.457241439211, -6834.9016719770134, -780.8595596965497},
      {4697.1918636995442, 3856.1597764017579, 384.41252708815102}}},
    {{6400000, 0, 0},
     {0, 5616528.3960983856, 3068323.4470668994},
     1200,
     0,
     0,
     {{-460.25343431653499, 7130.6502773905695, 3895.4920007437836},
      {-8125.3326889616656, 403.9103880063472, 220.65725064163897}},
     {{-460.25343431653499, 7130.6502773905695, 3895.4920007437836},
      {-8125.3326889616656, 403.9103880063472, 220.65725064163897}}},
    {{6400000, 0, 0},
     {0, -6400000, 0},
     300,
     0,
     0,
     {{-39424.024192856989, 1521.0927147147236, 0},
      {1521.0927147147236, -39424.024192856989, 0}},
     {{-39424.024192856989, 1521.0927147147236, 0},
      {1521.0927147147236, -39424.024192856989, 0}}},
    {{15000000, 0, 0},
     {12000000, 10000000, -1000000},
     4560,
     1,
     0,
     {{-3642.0260047892225, -2229.2310894454608, 222.9231089445461},
      {3973.6486634956264, 524.83502443953012, -52.483502443953}},
     {{-3642.0260047892225, -2229.2310894454608, 222.9231089445461},
      {3973.6486634956264, 524.83502443953012, -52.483502443953}}},
    {{7000000, 1000000, 0},
     {-2000000, 8000000, 1000000},
     20000,
     0,
     1,
     {{-3139.746120901711, 8688.6276039305139, 1102.7610232485397},
      {-8274.6025475749557, 1118.3405160921814, 277.63769241759007}},
     {{6087.1286941610942, 6125.3381804358269, 634.3144580843051},
      {-2839.8624143403858, -7035.6696270832981, -800.1693961248742}}},
    {{7000000, 1000000, 0},
     {-2000000, 8000000, 1000000},
     30000,
     1,
     2,
     {{-6674.7406848030896, -6036.7983821639627, -613.49737914387322},
      {2555.1594253073908, 7570.786293942755, 869.66111434986021}},
     {{2114.5943417395883, -8288.6290256983921, -1036.8103020970404},
      {7576.0751120015939, -236.80168719221115, -159.20149866115639}}},
};

static void test_lambert_poliastro(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof lref / sizeof *lref; i++) {
        double v1[3], v2[3];
        if (lref[i].revs == 0) {
            assert_int_equal(jmd_orbit_lambert(MU, lref[i].r1, lref[i].r2, lref[i].tof,
                                               lref[i].retro, v1, v2),
                             0);
            assert_true(dist3(v1, lref[i].a[0]) < 1e-6 && dist3(v2, lref[i].a[1]) < 1e-6);
            continue;
        }
        /* Multi-revolution: jmd's two branches are poliastro's two paths. */
        int matched[2] = {0, 0};
        for (int br = 0; br < 2; br++) {
            assert_int_equal(jmd_orbit_lambert_multi(MU, lref[i].r1, lref[i].r2, lref[i].tof,
                                                     lref[i].retro, lref[i].revs, br, v1, v2),
                             0);
            if (dist3(v1, lref[i].a[0]) < 1e-6 && dist3(v2, lref[i].a[1]) < 1e-6) matched[0]++;
            if (dist3(v1, lref[i].b[0]) < 1e-6 && dist3(v2, lref[i].b[1]) < 1e-6) matched[1]++;
        }
        assert_int_equal(matched[0], 1);
        assert_int_equal(matched[1], 1);
    }
}

/* ---- geodesy -------------------------------------------------------------- */

static const double gref[][7] = {
    {40.641300000000001, -73.778099999999995, 51.469999999999999, -0.45429999999999998,
     5554908.790563046, 51.381647858309883, 107.98282905572565},
    {55.75, 37.619999999999997, 38.907200000000003, -77.036900000000003, 7842436.4591935705,
     311.36265555083844, 212.91225767048832},
    {10, 179.5, -10, -179.5, 2214481.0721098096, 177.10399513170529, 177.10399513170529},
    {0, 0, 0, 90, 10018754.171394622, 90, 90},
    {-37.951033420000002, 144.42486789, -37.65282114, 143.92649553999999, 54972.2705055353,
     306.86816002634868, 307.17363144569623},
    {89.900000000000006, 0, -60, 120, 16661610.629039569, 60.14950048927065,
     179.82638833363461},
    {44.079999999999998, 24.399999999999999, 35.6892, 51.389000000000003, 2475272.0383342123,
     102.81749037065593, 120.36117735275374},
};

static void test_geodesic_vincenty(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof gref / sizeof *gref; i++) {
        double s, a1, a2, la, lo, az;
        assert_int_equal(jmd_geo_inverse(gref[i][0] * DEG, gref[i][1] * DEG, gref[i][2] * DEG,
                                         gref[i][3] * DEG, &s, &a1, &a2),
                         0);
        assert_true(fabs(s - gref[i][4]) < 1e-3);
        assert_true(fabs(remainder(a1 / DEG - gref[i][5], 360.0)) < 1e-7);
        assert_true(fabs(remainder(a2 / DEG - gref[i][6], 360.0)) < 1e-7);
        /* direct with the reference azimuth lands on the second point */
        assert_int_equal(jmd_geo_direct(gref[i][0] * DEG, gref[i][1] * DEG, gref[i][5] * DEG,
                                        gref[i][4], &la, &lo, &az),
                         0);
        double p[3], q[3];
        jmd_geo_to_ecef(la, lo, 0, p);
        jmd_geo_to_ecef(gref[i][2] * DEG, gref[i][3] * DEG, 0, q);
        assert_true(dist3(p, q) < 2e-3);
    }
}

static const struct {
    double lat, lon, h, x[3];
} eref[] = {
    {90, 0, 0, {1.3228165514283151e-36, 0, 6356752.3142451793}},
    {-90, 45, 1000, {9.3551871502294389e-37, 9.3551871502294389e-37, -6357752.3142451793}},
    {0, 180, -10000, {-6368137, 2.6326287317547108e-36, 0}},
    {38.350000000000001,
     37.789999999999999,
     2085,
     {3959254.123439244, 3070005.6600540136, 3937278.5499168099}},
    {-33.899999999999999,
     151.19999999999999,
     50000000,
     {-41011211.524794444, 22546104.327817507, -31424500.796889763}},
    {89.999999000000003,
     -120,
     35786000,
     {-0.36813875190944811, -0.6376350225421582, 42142752.314245172}},
    {45, -0.0001, -10000, {4510519.811030196, -7.87234216789893, 4480277.341054054}},
};

static void test_ecef_mpmath(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof eref / sizeof *eref; i++) {
        double x[3], lat, lon, h;
        assert_int_equal(jmd_geo_to_ecef(eref[i].lat * DEG, eref[i].lon * DEG, eref[i].h, x),
                         0);
        assert_true(dist3(x, eref[i].x) < 1e-6);
        assert_int_equal(jmd_geo_from_ecef(eref[i].x, &lat, &lon, &h), 0);
        assert_true(fabs(h - eref[i].h) < 1e-6);
        assert_true(fabs(lat - eref[i].lat * DEG) < 1e-13);
        if (fabs(eref[i].lat) < 89.99)
            assert_true(fabs(remainder(lon - eref[i].lon * DEG, 2 * XPI)) < 1e-13);
    }
}

/* ---- closed forms -------------------------------------------------------------- */

/* ../shared/reference §4: R = 6371 km, mu = 398600.4418 km^3/s^2. */
static void test_min_energy_table(void **state)
{
    (void)state;
    const double R = 6371e3, mu = 398600.4418e9;
    const double tab[5][5] = {{1000, 3.016, 42.75, 7.91, 240},
                              {2000, 4.113, 40.50, 11.70, 459},
                              {3000, 4.865, 38.26, 14.92, 655},
                              {5000, 5.883, 33.76, 20.61, 976},
                              {10000, 7.198, 22.52, 32.18, 1319}};
    for (int i = 0; i < 5; i++) {
        jmd_ballistic b;
        double psi = tab[i][0] * 1e3 / R;
        assert_int_equal(jmd_orbit_min_energy(mu, R, psi, &b), 0);
        assert_true(fabs(b.speed / 1e3 - tab[i][1]) < 0.0006);
        assert_true(fabs(b.gamma / DEG - tab[i][2]) < 0.006);
        assert_true(fabs(b.tof / 60 - tab[i][3]) < 0.006);
        assert_true(fabs((b.apogee_radius - R) / 1e3 - tab[i][4]) < 0.6);
        /* and the state it describes lands at psi after tof, apogee at tof/2 */
        double r0[3] = {R, 0, 0}, v0[3] = {b.speed * sin(b.gamma), b.speed * cos(b.gamma), 0};
        double r[3], v[3];
        assert_int_equal(jmd_orbit_kepler(mu, r0, v0, b.tof, r, v), 0);
        assert_true(fabs(jmd_vec_norm(r) - R) < 1e-3 && fabs(atan2(r[1], r[0]) - psi) < 1e-12);
        assert_int_equal(jmd_orbit_kepler(mu, r0, v0, b.tof / 2, r, v), 0);
        assert_true(fabs(jmd_vec_norm(r) - b.apogee_radius) < 1e-3);
        /* min energy is the least: 0.1 % less has no hit solution */
        jmd_ballistic lo, de;
        assert_int_equal(jmd_orbit_hit(mu, R, 0.999 * b.speed, psi, &lo, &de), JMD_ENOSOL);
        assert_int_equal(jmd_orbit_hit(mu, R, 1.001 * b.speed, psi, &lo, &de), 0);
    }
}

/* BMW 6.2-21: sin(2 gamma + psi/2) = (2 - Q)/Q sin(psi/2) for both angles,
 * gamma_l + gamma_d = (pi - psi)/2, and each arc lands on the aim by Kepler. */
static void test_hit_equation(void **state)
{
    (void)state;
    const double R = 6378137.0;
    for (int i = 0; i < 200; i++) {
        double psi = 0.02 + (XPI - 0.04) * (double)((i * 37) % 200) / 200.0;
        double rb = R + (double)(i % 5) * 50e3;
        jmd_ballistic me, lo, de;
        assert_int_equal(jmd_orbit_min_energy(MU, rb, psi, &me), 0);
        double v = me.speed * (1.0 + 0.25 * (double)((i * 53) % 100) / 100.0);
        if (v * v * rb / MU >= 1.99) continue;
        assert_int_equal(jmd_orbit_hit(MU, rb, v, psi, &lo, &de), 0);
        double q = v * v * rb / MU, rhs = (2 - q) / q * sin(psi / 2);
        assert_true(fabs(sin(2 * lo.gamma + psi / 2) - rhs) < 1e-12);
        assert_true(fabs(sin(2 * de.gamma + psi / 2) - rhs) < 1e-12);
        assert_true(fabs(lo.gamma + de.gamma - (XPI - psi) / 2) < 1e-9);
        assert_true(lo.gamma >= me.gamma - 1e-12 && me.gamma >= de.gamma - 1e-12);
        assert_true(lo.apogee_radius >= de.apogee_radius - 1e-6 && lo.tof >= de.tof - 1e-6);
        const jmd_ballistic *arc[2] = {&lo, &de};
        for (int k = 0; k < 2; k++) {
            double r0[3] = {rb, 0, 0};
            double v0[3] = {v * sin(arc[k]->gamma), v * cos(arc[k]->gamma), 0}, r[3], vv[3];
            assert_int_equal(jmd_orbit_kepler(MU, r0, v0, arc[k]->tof, r, vv), 0);
            assert_true(hypot(r[0] - rb * cos(psi), r[1] - rb * sin(psi)) < 1e-3);
        }
    }
    /* BMW p. 291: v = 1.0817 DU/TU at 0.025 DU: Q = 1.20, psi = 128.68 deg,
     * gamma ~ 39.3 deg (the lofted one). */
    const double du = 6378.137e3, tu = sqrt(du * du * du / MU);
    jmd_ballistic lo, de;
    assert_int_equal(jmd_orbit_hit(MU, 1.025 * du, 1.0817 * du / tu, 128.68 * DEG, &lo, &de),
                     0);
    assert_true(fabs(lo.gamma / DEG - 39.3) < 0.1);
}

/* ---- US 1976 standard atmosphere -------------------------------------------- */

/* Geopotential layer model of the standard, independently coded. */
static double us76_rho(double z)
{
    static const double hb[8] = {0, 11000, 20000, 32000, 47000, 51000, 71000, 84852};
    static const double lr[7] = {-6.5e-3, 0, 1e-3, 2.8e-3, 0, -2.8e-3, -2e-3};
    const double r0 = 6356766.0, g0 = 9.80665, m0 = 28.9644e-3, rs = 8.31432;
    double tb = 288.15, pb = 101325.0, hgt = r0 * z / (r0 + z);
    int i = 0;
    while (i < 6 && hgt >= hb[i + 1]) {
        double t1 = tb + lr[i] * (hb[i + 1] - hb[i]);
        pb = lr[i] == 0 ? pb * exp(-g0 * m0 * (hb[i + 1] - hb[i]) / (rs * tb))
                        : pb * pow(tb / t1, g0 * m0 / (rs * lr[i]));
        tb = t1;
        i++;
    }
    double t = tb + lr[i] * (hgt - hb[i]);
    double p = lr[i] == 0 ? pb * exp(-g0 * m0 * (hgt - hb[i]) / (rs * tb))
                          : pb * pow(tb / t, g0 * m0 / (rs * lr[i]));
    return p * m0 / (rs * t);
}

static void test_us76(void **state)
{
    (void)state;
    for (double z = -5000; z <= 80000; z += 250) {
        double rho;
        assert_int_equal(jmd_atmosphere(z, &rho, NULL, NULL, NULL), 0);
        assert_true(fabs(rho / us76_rho(z) - 1) < 1e-5);
    }
    /* NOAA-S/T 76-1562 Table I (geometric heights) */
    const double tab[][2] = {{-5000, 1.9311},    {0, 1.2250},         {11019, 0.36392},
                             {32000, 1.3555e-2}, {86000, 6.958e-6},   {100000, 5.604e-7},
                             {150000, 2.076e-9}, {300000, 1.916e-11}, {1000000, 3.561e-15}};
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++) {
        double rho;
        assert_int_equal(jmd_atmosphere(tab[i][0], &rho, NULL, NULL, NULL), 0);
        assert_true(fabs(rho / tab[i][1] - 1) < 1e-3);
    }
    double p, t, a;
    assert_int_equal(jmd_atmosphere(0, NULL, &p, &t, &a), 0);
    assert_true(fabs(p - 101325.0) < 0.01 && fabs(t - 288.15) < 1e-9 &&
                fabs(a - 340.294) < 1e-3);
    assert_int_equal(jmd_atmosphere(-5001, &p, NULL, NULL, NULL), JMD_EINVAL);
    assert_int_equal(jmd_atmosphere(NAN, &p, NULL, NULL, NULL), JMD_EINVAL);
}

/* ---- interceptor reach: the flip at the Lagrange minimum-energy speed ----- */

static void test_reach_flip_pole(void **state)
{
    (void)state;
    /* Site at the south pole (fixed in inertial space, no rotation speed);
     * threat: a drag-free arc from 100 km up at 45 S, heading 160 deg, so
     * that it passes the pole at a distance in mid-course. */
    const double b = JMD_WGS84_A * (1 - 1 / JMD_WGS84_INV_F);
    const double site[3] = {0, 0, -b};
    const double lat0 = -45 * DEG, az = 160 * DEG, speed = 6000, gam = 35 * DEG;
    double r0[3], v0[3];
    jmd_geo_to_ecef(lat0, 0, 100e3, r0);
    const double up[3] = {cos(lat0), 0, sin(lat0)}, east[3] = {0, 1, 0};
    const double north[3] = {-sin(lat0), 0, cos(lat0)};
    for (int k = 0; k < 3; k++)
        v0[k] =
            speed * (sin(gam) * up[k] + cos(gam) * (cos(az) * north[k] + sin(az) * east[k]));
    jmd_trajectory tr = {0};
    tr.cap = 4000;
    tr.s = malloc(tr.cap * sizeof *tr.s);
    assert_non_null(tr.s);
    for (int k = 0; k < 4000; k++) {
        jmd_state *s = &tr.s[k];
        s->t = k;
        assert_int_equal(jmd_orbit_kepler(MU, r0, v0, (double)k, s->r, s->v), 0);
        tr.n = (size_t)k + 1;
        if (k > 10 && jmd_vec_norm(s->r) < JMD_WGS84_A + 50e3) break;
    }
    /* Least speed: min over samples of sqrt(mu (2/r1 - 2/s)); commit at 0,
     * no burn: the minimum-energy coast must fit in the time available. */
    /* commit early enough that the minimum-energy coast always fits */
    const double tc = -3000.0;
    double best = INFINITY, tbest = 0;
    double r1 = jmd_vec_norm(site);
    for (size_t k = 0; k < tr.n; k++) {
        double r2 = jmd_vec_norm(tr.s[k].r), c = dist3(site, tr.s[k].r);
        double s = 0.5 * (r1 + r2 + c), vm = sqrt(MU * (2 / r1 - 2 / s));
        if (vm < best) best = vm, tbest = tr.s[k].t;
    }
    {
        size_t k = (size_t)tbest;
        double r2 = jmd_vec_norm(tr.s[k].r), c = dist3(site, tr.s[k].r);
        double s = 0.5 * (r1 + r2 + c), beta = 2 * asin(sqrt((s - c) / s));
        double tm = sqrt(s * s * s / (8 * MU)) * (XPI - beta + sin(beta));
        assert_true(tm < tbest - tc - 1.0);
    }
    jmd_interceptor ic;
    memset(&ic, 0, sizeof ic);
    ic.burn_time = 0;
    ic.min_alt = 0;
    ic.max_alt = 1e7;
    ic.max_range = 0;
    jmd_reach rr;
    ic.burnout_speed = 1.002 * best;
    assert_int_equal(jmd_flight_reach(&ic, -XPI / 2, 0, 0, &tr, tc, &rr), 0);
    assert_int_equal(rr.feasible, 1);
    assert_true(rr.t_first <= tbest + 1 && rr.t_last >= tbest - 1);
    assert_true(rr.speed_first <= ic.burnout_speed && rr.speed_last <= ic.burnout_speed);
    print_message("least speed %.3f m/s at t = %.0f s; window %.2f .. %.2f s\n", best, tbest,
                  rr.t_first, rr.t_last);
    ic.burnout_speed = 0.998 * best;
    assert_int_equal(jmd_flight_reach(&ic, -XPI / 2, 0, 0, &tr, tc, &rr), 0);
    assert_int_equal(rr.feasible, 0);
    assert_int_equal(rr.reason, JMD_REACH_OUT_OF_REACH);
    jmd_trajectory_free(&tr);
}

/* ---- targeting ----------------------------------------------------------------- */

static void impact_of(const jmd_trajectory *tr, double *lat, double *lon)
{
    const jmd_state *s = &tr->s[tr->n - 1];
    double e[3], h;
    assert_int_equal(jmd_geo_eci_to_ecef(s->t, s->r, e), 0);
    assert_int_equal(jmd_geo_from_ecef(e, lat, lon, &h), 0);
    assert_true(fabs(h) < 1.0);
}

static void test_target_azimuths(void **state)
{
    (void)state;
    jmd_catalogue cat = {0};
    char err[256];
    assert_int_equal(jmd_catalogue_load_builtin(&cat, err, sizeof err), 0);
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    /* Each shot within the vehicle's full-burn range for its azimuth (the
     * catalogue ICBMs reach ~9,800 km north and ~8,600-8,900 km west, 11,000+
     * km east: Earth rotation). */
    const struct {
        const char *veh;
        double lat, lon, az, range;
    } shots[] = {
        {"icbm-solid", 40, -100, 90, 10000e3}, /* east */
        {"icbm-liquid", 30, 10, 180, 10000e3}, /* south */
        {"icbm-liquid", 55.75, 37.62, 45, 10000e3},
        {"icbm-solid", 80, 0, 0, 9300e3},           /* over the pole */
        {"icbm-liquid", 55.75, 37.62, 270, 8400e3}, /* west */
    };
    for (size_t i = 0; i < sizeof shots / sizeof *shots; i++) {
        const jmd_vehicle *veh = jmd_catalogue_vehicle(&cat, shots[i].veh);
        assert_non_null(veh);
        double lat0 = shots[i].lat * DEG, lon0 = shots[i].lon * DEG, lat1, lon1, az2;
        assert_int_equal(
            jmd_geo_direct(lat0, lon0, shots[i].az * DEG, shots[i].range, &lat1, &lon1, &az2),
            0);
        double apo[3];
        for (int ty = 0; ty < 3; ty++) {
            jmd_target_result r;
            jmd_trajectory tr = {0};
            assert_int_equal(jmd_flight_target(veh, lat0, lon0, lat1, lon1, (jmd_traj_type)ty,
                                               0, 0, &o, &r, &tr),
                             0);
            double la, lo, s, a1, a2;
            impact_of(&tr, &la, &lo);
            assert_int_equal(jmd_geo_inverse(la, lo, lat1, lon1, &s, &a1, &a2), 0);
            assert_true(s < 1000.0);
            assert_true(fabs(s - r.miss) < 1e-3);
            apo[ty] = r.apogee_alt;
            jmd_trajectory_free(&tr);
        }
        assert_true(apo[JMD_TRAJ_LOFTED] > apo[JMD_TRAJ_MIN_ENERGY]);
        assert_true(apo[JMD_TRAJ_MIN_ENERGY] > apo[JMD_TRAJ_DEPRESSED]);
    }
    /* Out of range: no solution, not a bogus success. */
    const jmd_vehicle *icbm = jmd_catalogue_vehicle(&cat, "icbm-solid");
    const jmd_vehicle *srbm = jmd_catalogue_vehicle(&cat, "srbm-liquid");
    assert_non_null(icbm);
    assert_non_null(srbm);
    for (int ty = 0; ty < 3; ty++) {
        double lat1, lon1, az2;
        jmd_target_result r;
        jmd_geo_direct(40 * DEG, 0, 90 * DEG, 15000e3, &lat1, &lon1, &az2);
        assert_int_equal(jmd_flight_target(icbm, 40 * DEG, 0, lat1, lon1, (jmd_traj_type)ty, 0,
                                           0, &o, &r, NULL),
                         JMD_ENOSOL);
        jmd_geo_direct(40 * DEG, 0, 90 * DEG, 2000e3, &lat1, &lon1, &az2);
        assert_int_equal(jmd_flight_target(srbm, 40 * DEG, 0, lat1, lon1, (jmd_traj_type)ty, 0,
                                           0, &o, &r, NULL),
                         JMD_ENOSOL);
    }
    jmd_catalogue_free(&cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract_invalid),
        cmocka_unit_test(test_contract_never_nonfinite),
        cmocka_unit_test(test_contract_lambert_direction),
        cmocka_unit_test(test_kepler_mpmath),
        cmocka_unit_test(test_lambert_poliastro),
        cmocka_unit_test(test_geodesic_vincenty),
        cmocka_unit_test(test_ecef_mpmath),
        cmocka_unit_test(test_min_energy_table),
        cmocka_unit_test(test_hit_equation),
        cmocka_unit_test(test_us76),
        cmocka_unit_test(test_reach_flip_pole),
        cmocka_unit_test(test_target_azimuths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

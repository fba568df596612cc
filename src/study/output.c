/*
 * output.c — a study as JSON (summary.json; deterministic formatting:
 * fixed key order, numbers with %.10g, undefined numbers null) and as the
 * readable side-by-side table (one column per model, units in the labels).
 * Cold.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "jmd/error.h"
#include "study/study__internal.h"

static const char *time_key[JMD_STUDY_NTIMES] = {"first_detection",        "first_firm_track",
                                                 "first_warning_received", "first_decision",
                                                 "first_launch",           "first_intercept"};
static const char *time_label[JMD_STUDY_NTIMES] = {"first detection",        "first firm track",
                                                   "first warning received", "first decision",
                                                   "first launch",           "first intercept"};

/* ---- JSON -------------------------------------------------------------- */

static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void jnum(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v == 0 ? 0.0 : v); /* no "-0" */
    else
        fputs("null", f);
}

static void jprop(FILE *f, const jmd_study_prop *p)
{
    fprintf(f, "{\"k\": %ld, \"n\": %ld, \"p\": ", p->k, p->n);
    jnum(f, p->p);
    fputs(", \"lo\": ", f);
    jnum(f, p->lo);
    fputs(", \"hi\": ", f);
    jnum(f, p->hi);
    fputc('}', f);
}

static void jmean(FILE *f, const jmd_study_mean *m)
{
    fputs("{\"mean\": ", f);
    jnum(f, m->mean);
    fputs(", \"sd\": ", f);
    jnum(f, m->sd);
    fputs(", \"lo\": ", f);
    jnum(f, m->lo);
    fputs(", \"hi\": ", f);
    jnum(f, m->hi);
    fprintf(f, ", \"n\": %ld}", m->n);
}

static void jratio(FILE *f, const jmd_study_ratio *r)
{
    fprintf(f, "{\"relied\": %ld, \"defended\": %ld, \"share\": ", r->relied, r->defended);
    jnum(f, r->share);
    fputc('}', f);
}

static const char *model_text(int m)
{
    return m < 0 ? "scenario" : jmd_gov_model_name((jmd_gov_model)m);
}

int jmd_study_write_json(const jmd_scenario *sc, const jmd_study *s, FILE *f)
{
    if (!sc || !s || !f) return JMD_EINVAL;
    size_t np = s->nparties;
    fputs("{\n  \"scenario\": ", f);
    jstr(f, sc->name);
    fprintf(f, ",\n  \"seed\": %llu,\n  \"trials\": %ld,\n", (unsigned long long)s->seed,
            s->trials);
    fputs("  \"method\": {\"common_random_numbers\": true, \"confidence\": 0.95, "
          "\"proportions\": \"Wilson score\", \"means\": \"Student t\", "
          "\"times\": \"median over trials with the event, s after the first threat "
          "launch\"},\n",
          f);
    fputs("  \"parties\": [", f);
    for (size_t p = 0; p < np; p++) {
        if (p) fputs(", ", f);
        jstr(f, sc->parties[p].name);
    }
    fputs("],\n  \"models\": [\n", f);
    for (size_t mi = 0; mi < s->nmodels; mi++) {
        const jmd_study_model *m = &s->models[mi];
        fputs("    {\n      \"model\": ", f);
        jstr(f, model_text(m->effective));
        fputs(",\n      \"requested\": ", f);
        jstr(f, model_text(m->model));
        fputs(",\n      \"no_leaker\": ", f);
        jprop(f, &m->no_leaker);
        fputs(",\n      \"leakers\": ", f);
        jmean(f, &m->leakers);
        fputs(",\n      \"intercepted\": ", f);
        jmean(f, &m->intercepted);
        fputs(",\n      \"interceptors_fired\": ", f);
        jmean(f, &m->fired);
        fputs(",\n      \"interceptors_wasted\": ", f);
        jmean(f, &m->wasted);
        fputs(",\n      \"median_times_s\": {", f);
        for (int k = 0; k < JMD_STUDY_NTIMES; k++) {
            fprintf(f, "%s\n        \"%s\": {\"median\": ", k ? "," : "", time_key[k]);
            jnum(f, m->times[k].median);
            fprintf(f, ", \"trials\": %ld}", m->times[k].n);
        }
        fputs("\n      },\n      \"decisions\": {\"proposals\": ", f);
        jmean(f, &m->proposals);
        fputs(", \"approvals\": ", f);
        jmean(f, &m->approvals);
        fputs(", \"vetoes\": ", f);
        jmean(f, &m->vetoes);
        fputs(", \"timeouts\": ", f);
        jmean(f, &m->timeouts);
        fputs("},\n      \"parties\": [", f);
        for (size_t p = 0; p < np; p++) {
            const jmd_study_party *sp = &m->party[p];
            fputs(p ? ",\n        {\"name\": " : "\n        {\"name\": ", f);
            jstr(f, sc->parties[p].name);
            fputs(", \"no_asset_hit\": ", f);
            jprop(f, &sp->no_asset_hit);
            fputs(",\n         \"assets_hit\": ", f);
            jmean(f, &sp->assets_hit);
            fprintf(f,
                    ", \"threatened\": %ld, \"defended\": %ld,\n         \"dependence\": "
                    "{\"data\": ",
                    sp->threatened, sp->defended);
            jratio(f, &sp->dep_data);
            fputs(", \"consent\": ", f);
            jratio(f, &sp->dep_consent);
            fputs(", \"interceptors\": ", f);
            jratio(f, &sp->dep_interceptor);
            fputs("},\n         \"proposals\": ", f);
            jmean(f, &sp->proposals);
            fputs(", \"approvals\": ", f);
            jmean(f, &sp->approvals);
            fputs(",\n         \"vetoes\": ", f);
            jmean(f, &sp->vetoes);
            fputs(", \"timeouts\": ", f);
            jmean(f, &sp->timeouts);
            fputc('}', f);
        }
        fputs(np ? "\n      ],\n      \"links\": [" : "],\n      \"links\": [", f);
        int firstl = 1;
        for (size_t a = 0; a < np; a++)
            for (size_t b = 0; b < np; b++) {
                if (a == b) continue;
                fputs(firstl ? "\n        {\"from\": " : ",\n        {\"from\": ", f);
                firstl = 0;
                jstr(f, sc->parties[a].name);
                fputs(", \"to\": ", f);
                jstr(f, sc->parties[b].name);
                fputs(", \"msgs\": ", f);
                jmean(f, &m->msgs[a * np + b]);
                fputs(", \"bytes\": ", f);
                jmean(f, &m->bytes[a * np + b]);
                fputc('}', f);
            }
        fputs(firstl ? "]\n    }" : "\n      ]\n    }", f);
        fputs(mi + 1 < s->nmodels ? ",\n" : "\n", f);
    }
    fputs("  ]\n}\n", f);
    return ferror(f) ? JMD_EIO : 0;
}

/* ---- the table --------------------------------------------------------- */

#define LABEL_W 38
#define CELL_W 22

typedef void (*cell_fn)(char *buf, size_t len, const jmd_study_model *m, const void *arg);

static void row(FILE *f, const char *label, const jmd_study *s, cell_fn fn, const void *arg)
{
    char cell[64];
    fprintf(f, "%-*s", LABEL_W, label);
    for (size_t mi = 0; mi < s->nmodels; mi++) {
        fn(cell, sizeof cell, &s->models[mi], arg);
        if (mi + 1 < s->nmodels)
            fprintf(f, " %-*s", CELL_W - 1, cell);
        else
            fprintf(f, " %s", cell); /* no trailing blanks */
    }
    fputc('\n', f);
}

static void fmt_prop(char *b, size_t n, const jmd_study_prop *p)
{
    snprintf(b, n, "%.3f [%.3f, %.3f]", p->p, p->lo, p->hi);
}

static void fmt_mean_ci(char *b, size_t n, const jmd_study_mean *m)
{
    if (!isfinite(m->mean))
        snprintf(b, n, "n/a");
    else if (!isfinite(m->lo))
        snprintf(b, n, "%.2f", m->mean);
    else
        snprintf(b, n, "%.2f [%.2f, %.2f]", m->mean, m->lo, m->hi);
}

static void fmt_mean(char *b, size_t n, const jmd_study_mean *m)
{
    if (!isfinite(m->mean))
        snprintf(b, n, "n/a");
    else
        snprintf(b, n, "%.2f", m->mean);
}

static void c_no_leaker(char *b, size_t n, const jmd_study_model *m, const void *a)
{
    (void)a;
    fmt_prop(b, n, &m->no_leaker);
}

/* Means addressed by offset into jmd_study_model. */
static void c_mean_ci(char *b, size_t n, const jmd_study_model *m, const void *a)
{
    fmt_mean_ci(b, n, (const jmd_study_mean *)((const char *)m + *(const size_t *)a));
}

static void c_mean(char *b, size_t n, const jmd_study_model *m, const void *a)
{
    fmt_mean(b, n, (const jmd_study_mean *)((const char *)m + *(const size_t *)a));
}

static void c_time(char *b, size_t n, const jmd_study_model *m, const void *a)
{
    const jmd_study_time *t = &m->times[*(const int *)a];
    if (t->n == 0)
        snprintf(b, n, "n/a (0 trials)");
    else
        snprintf(b, n, "%.1f (%ld trials)", t->median, t->n);
}

typedef struct {
    size_t party;
    int what;
} party_arg;

static void c_party(char *b, size_t n, const jmd_study_model *m, const void *a)
{
    const party_arg *pa = a;
    const jmd_study_party *p = &m->party[pa->party];
    const jmd_study_ratio *r = NULL;
    switch (pa->what) {
    case 0:
        fmt_prop(b, n, &p->no_asset_hit);
        return;
    case 1:
        fmt_mean_ci(b, n, &p->assets_hit);
        return;
    case 2:
        snprintf(b, n, "%ld / %ld", p->defended, p->threatened);
        return;
    case 3:
        r = &p->dep_data;
        break;
    case 4:
        r = &p->dep_consent;
        break;
    case 5:
        r = &p->dep_interceptor;
        break;
    default:
        snprintf(b, n, "%.1f/%.1f/%.1f/%.1f", p->proposals.mean, p->approvals.mean,
                 p->vetoes.mean, p->timeouts.mean);
        return;
    }
    if (r->defended == 0)
        snprintf(b, n, "n/a (0/0)");
    else
        snprintf(b, n, "%.1f%% (%ld/%ld)", 100.0 * r->share, r->relied, r->defended);
}

static void c_link(char *b, size_t n, const jmd_study_model *m, const void *a)
{
    size_t i = *(const size_t *)a;
    double bytes = m->bytes[i].mean;
    if (bytes >= 1e6)
        snprintf(b, n, "%.1f (%.2f MB)", m->msgs[i].mean, bytes / 1e6);
    else if (bytes >= 1e3)
        snprintf(b, n, "%.1f (%.1f kB)", m->msgs[i].mean, bytes / 1e3);
    else
        snprintf(b, n, "%.1f (%.0f B)", m->msgs[i].mean, bytes);
}

static void c_decisions(char *b, size_t n, const jmd_study_model *m, const void *a)
{
    (void)a;
    snprintf(b, n, "%.1f/%.1f/%.1f/%.1f", m->proposals.mean, m->approvals.mean, m->vetoes.mean,
             m->timeouts.mean);
}

static void c_name(char *b, size_t n, const jmd_study_model *m, const void *a)
{
    (void)a;
    snprintf(b, n, "%s", model_text(m->effective));
}

int jmd_study_write_table(const jmd_scenario *sc, const jmd_study *s, FILE *f)
{
    if (!sc || !s || !f) return JMD_EINVAL;
    size_t np = s->nparties, off;
    char label[128];
    fprintf(f, "%s\n", sc->name[0] ? sc->name : "scenario");
    fprintf(f,
            "%zu model%s x %ld trial%s, study seed %llu, common random numbers (trial i has\n"
            "the same draws under every model); [lo, hi]: 95%% intervals (Wilson for\n"
            "probabilities, Student t for means).\n\n",
            s->nmodels, s->nmodels == 1 ? "" : "s", s->trials, s->trials == 1 ? "" : "s",
            (unsigned long long)s->seed);
    row(f, "model", s, c_name, NULL);
    row(f, "P(no leaker) [95% Wilson]", s, c_no_leaker, NULL);
    off = offsetof(jmd_study_model, leakers);
    row(f, "leakers per trial, mean [95% CI]", s, c_mean_ci, &off);
    off = offsetof(jmd_study_model, intercepted);
    row(f, "intercepts per trial, mean", s, c_mean, &off);
    off = offsetof(jmd_study_model, fired);
    row(f, "interceptors fired per trial, mean", s, c_mean_ci, &off);
    off = offsetof(jmd_study_model, wasted);
    row(f, "interceptors wasted per trial, mean", s, c_mean_ci, &off);
    fprintf(f, "median time after first launch, s:\n");
    for (int k = 0; k < JMD_STUDY_NTIMES; k++) {
        snprintf(label, sizeof label, "  %s", time_label[k]);
        row(f, label, s, c_time, &k);
    }
    row(f, "proposals/approvals/vetoes/timeouts", s, c_decisions, NULL); /* all parties, mean */
    for (size_t p = 0; p < np; p++) {
        static const char *what[] = {
            "P(no asset hit) [95% Wilson]",       "assets hit per trial, mean",
            "threats defended / threatened, sum", "relied on others' data, % (n/def.)",
            "relied on others' consent, %",       "relied on others' interceptors, %",
            "proposals/approvals/vetoes/timeouts"};
        fprintf(f, "party %s:\n", sc->parties[p].name);
        for (int w = 0; w < 7; w++) {
            party_arg pa = {p, w};
            snprintf(label, sizeof label, "  %s", what[w]);
            row(f, label, s, c_party, &pa);
        }
    }
    if (np > 1) {
        fprintf(f, "messages per trial, mean (bytes):\n");
        for (size_t a = 0; a < np; a++)
            for (size_t b = 0; b < np; b++) {
                if (a == b) continue;
                size_t i = a * np + b;
                snprintf(label, sizeof label, "  %.16s -> %.16s", sc->parties[a].name,
                         sc->parties[b].name);
                row(f, label, s, c_link, &i);
            }
    }
    return ferror(f) ? JMD_EIO : 0;
}

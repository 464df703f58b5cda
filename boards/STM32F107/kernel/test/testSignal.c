#include "testSignal.h"
#include <math.h>

void sig_init(sig_t *g, double fs, double f, double vMid, double iMid, double noiseLsb) {
  g->fs = fs;
  g->f = f;
  g->vMid = vMid;
  g->iMid = iMid;
  g->noiseLsb = noiseLsb;
  g->comps = 0;
  g->gainV = 1.0;
  g->n = 0;
  g->rng = 12345u;
}

void sig_add(sig_t *g, int channel, int order, double ampLsb, double phaseRad) {
  int k = g->comps++;
  double w = 2.0 * M_PI * g->f * order / g->fs;
  g->comp[k].channel = channel;
  g->comp[k].order = order;
  g->comp[k].ampLsb = ampLsb;
  g->comp[k].phaseRad = phaseRad;
  g->c[k] = cos(phaseRad);
  g->s[k] = sin(phaseRad);
  g->cd[k] = cos(w);
  g->sd[k] = sin(w);
}

/* Irwin-Hall: sum of 12 uniforms minus 6 is close to a unit normal. */
static double gauss(sig_t *g) {
  double acc = 0;
  int j;
  for (j = 0; j < 12; j++) {
    g->rng = g->rng * 1664525u + 1013904223u;
    acc += (double)(g->rng >> 8) / 16777216.0;
  }
  return acc - 6.0;
}

static uint16_t quantise(double x) {
  double r = floor(x + 0.5);
  if (r < 0) r = 0;
  if (r > 4095) r = 4095;
  return (uint16_t)r;
}

void sig_gen(sig_t *g, uint16_t *vi, uint32_t count) {
  uint32_t p;
  int k;
  for (p = 0; p < count; p++) {
    double v = g->vMid, i = g->iMid;
    for (k = 0; k < g->comps; k++) {
      double val = g->comp[k].ampLsb * g->s[k];
      double c = g->c[k] * g->cd[k] - g->s[k] * g->sd[k];
      double s = g->s[k] * g->cd[k] + g->c[k] * g->sd[k];
      if (g->comp[k].channel == 0) v += val * g->gainV; else i += val;
      g->c[k] = c;
      g->s[k] = s;
      if ((g->n & 1023u) == 0u) {
        double m = sqrt(c * c + s * s);
        g->c[k] = c / m;
        g->s[k] = s / m;
      }
    }
    if (g->noiseLsb > 0) {
      v += g->noiseLsb * gauss(g);
      i += g->noiseLsb * gauss(g);
    }
    vi[2 * p] = quantise(v);
    vi[2 * p + 1] = quantise(i);
    g->n++;
  }
}

double win_span(const mk_window_t *w) {
  return (w->crossingQ16[w->cycles] - w->crossingQ16[0]) / 65536.0;
}

/* Gregory's end correction of the trapezoid rule plus the partial intervals
 * [c0, 0] and [N-1, cE] with the slope from the two edge samples. */
double win_corrected(const mk_window_t *w, double sum, const double e[4]) {
  double a = -w->crossingQ16[0] / 65536.0;
  double b = w->crossingQ16[w->cycles] / 65536.0 - (w->sampleCount - 1);
  return sum - (e[0] + e[3]) / 2 - ((e[1] - e[0]) - (e[3] - e[2])) / 12 + a * e[0] - a * a / 2 * (e[1] - e[0]) +
         b * e[3] + b * b / 2 * (e[3] - e[2]);
}

static void edges(const mk_window_t *w, int kind, double e[4]) {
  int j;
  for (j = 0; j < 4; j++) {
    double v = w->edgeV[j], i = w->edgeI[j];
    e[j] = kind == 0 ? v : kind == 1 ? i : kind == 2 ? v * v : kind == 3 ? i * i : v * i;
  }
}

double win_mean(const mk_window_t *w, int kind) {
  double e[4];
  double sum = kind == 0 ? w->sumV : kind == 1 ? w->sumI : kind == 2 ? (double)w->sumVV : kind == 3 ? (double)w->sumII : (double)w->sumVI;
  edges(w, kind, e);
  return win_corrected(w, sum, e) / win_span(w);
}

double win_rms_v(const mk_window_t *w) {
  double m = win_mean(w, 0);
  return sqrt(win_mean(w, 2) - m * m);
}

double win_rms_i(const mk_window_t *w) {
  double m = win_mean(w, 1);
  return sqrt(win_mean(w, 3) - m * m);
}

double win_p(const mk_window_t *w) { return win_mean(w, 4) - win_mean(w, 0) * win_mean(w, 1); }

double win_period(const mk_window_t *w) {
  int n = w->cycles + 1, k;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (k = 0; k < n; k++) {
    double y = w->crossingQ16[k] / 65536.0;
    sx += k;
    sy += y;
    sxx += (double)k * k;
    sxy += k * y;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

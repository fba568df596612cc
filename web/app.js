// app.js — jmd's HTML report: reads the data object inlined in the
// element #jmd-data (written by src/report/report.c) and draws the map
// of the theatre with a replay of one trial per model, the engagement
// timelines, the comparison charts and table, and the scenario's
// parameters with their sources. Plain DOM and SVG; d3-geo and
// topojson-client (inlined vendor bundle, web/build.js) for the map only.
// DOM contract (the browser test relies on it): svg#map with one
// path.threat-track[data-threat] per threat of the replay, .threat-marker
// elements moved by input#replay-slider, table#comparison with one
// tbody tr.model-row per model, section#timeline, section#sources.
// With the transparency analysis (jmd assure --out; D.assure not null):
// g#assure-layer in svg#map with one path.assure-track[data-trajectory]
// per sampled trajectory, select#assure-variant, table#assure-table.
(function () {
  'use strict';

  var SVGNS = 'http://www.w3.org/2000/svg'; // a namespace name, never fetched
  var D = JSON.parse(document.getElementById('jmd-data').textContent);
  var R_EARTH_KM = 6371.0088;

  // Okabe–Ito, the colour-blind-safe palette.
  var OI = {
    orange: '#E69F00', sky: '#56B4E9', green: '#009E73', yellow: '#F0E442',
    blue: '#0072B2', vermillion: '#D55E00', purple: '#CC79A7', black: '#000000', grey: '#999999'
  };
  var PARTY_COLOURS = [OI.blue, OI.orange, OI.purple, OI.sky, OI.green, OI.yellow];
  var MODEL_COLOURS = [OI.blue, OI.orange, OI.green, OI.purple, OI.sky, OI.vermillion, OI.yellow, OI.black];
  var FATE_COLOURS = { intercepted: OI.green, leaked: OI.vermillion, 'in-flight': OI.purple, none: OI.grey };
  var FATE_DASH = { intercepted: null, leaked: null, 'in-flight': '6 3', none: '2 3' };

  function partyColour(i) { return PARTY_COLOURS[((i % PARTY_COLOURS.length) + PARTY_COLOURS.length) % PARTY_COLOURS.length]; }
  function partyName(i) { return D.parties[i] ? D.parties[i].name : '?'; }

  // ---- small DOM helpers -------------------------------------------------
  function el(tag, attrs, parent, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function sv(tag, attrs, parent, text) {
    var e = document.createElementNS(SVGNS, tag);
    if (attrs) for (var k in attrs) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(x, d) { return x == null || !isFinite(x) ? '—' : Number(x).toFixed(d == null ? 0 : d); }
  function fmtT(t) { return t == null ? '—' : 'T+' + fmt(t, 0) + ' s'; }
  function pct(x) { return x == null ? '—' : (100 * x).toFixed(0) + ' %'; }

  // ---- tooltip -------------------------------------------------------------
  var tip = document.getElementById('tooltip');
  function setTip(node, lines) { node.setAttribute('data-tip', lines.join('\n')); node.classList.add('has-tip'); }
  document.addEventListener('mousemove', function (ev) {
    var t = ev.target;
    while (t && t.getAttribute && !t.getAttribute('data-tip')) t = t.parentNode;
    if (!t || !t.getAttribute) { tip.hidden = true; return; }
    var lines = t.getAttribute('data-tip').split('\n');
    tip.textContent = '';
    lines.forEach(function (l, i) { el(i ? 'div' : 'strong', null, tip, l); });
    tip.hidden = false;
    var x = ev.clientX + 14, y = ev.clientY + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 4) x = ev.clientX - w - 10;
    if (y + h > window.innerHeight - 4) y = ev.clientY - h - 10;
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  });

  // ---- the transparency analysis (jmd assure) ---------------------------------
  // A: null, or { party, variants, tracks: [{index, props, coords}], eng:
  // [variant][trajectory] -> [site names], points: intercept features }.
  var ASSURE_YES = OI.vermillion, ASSURE_NO = OI.blue;
  var A = null;
  if (D.assure && D.assure.result && D.assure.geojson) {
    var ar = D.assure.result;
    A = { party: ar.deterrent, variants: ar.variants || [], tracks: [], eng: {}, points: [], result: ar };
    A.variants.forEach(function (v) { A.eng[v] = {}; });
    (D.assure.geojson.features || []).forEach(function (f) {
      var p = f.properties || {};
      if (p.kind === 'trajectory' && f.geometry) {
        var cs = f.geometry.type === 'MultiLineString' ? f.geometry.coordinates : [f.geometry.coordinates];
        A.tracks.push({ index: p.index, props: p, coords: cs });
      } else if (p.kind === 'intercept') {
        A.points.push(f);
      }
    });
    (ar.sites || []).forEach(function (S) {
      A.variants.forEach(function (v) {
        var V = S.variants && S.variants[v];
        if (V) V.cells.forEach(function (cl) {
          if (!cl.engageable) return;
          (A.eng[v][cl.trajectory] = A.eng[v][cl.trajectory] || []).push(S.site + ' (' + S.interceptor + ')');
        });
      });
    });
  }

  // ---- header ------------------------------------------------------------
  var sub = document.getElementById('subtitle');
  sub.textContent = 'Scenario ' + (D.scenario_file || '') + ' · epoch ' + D.epoch + ' · ' +
    D.threats.length + ' threats, ' + D.sites.length + ' firing sites, ' + D.radars.length + ' radars, ' +
    D.parties.length + ' parties · ' +
    (D.study ? 'comparison of ' + D.study.models.length + ' models over ' + D.study.trials +
      ' trials (study seed ' + D.study.seed + ')' : 'single run (seed ' + D.replay_seed + ')') +
    ' · times in s after the epoch (T+).';

  // ---- the replay model ------------------------------------------------------
  var replayIndex = 0;
  var modelSel = document.getElementById('replay-model');
  D.replays.forEach(function (r, i) {
    el('option', { value: String(i) }, modelSel,
      r.model + ' (' + r.intercepted + ' intercepted, ' + r.leaked + ' leaked)');
  });

  // =================================================================== map
  var svg = document.getElementById('map');
  var W = 1000, H = 680;
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  var haveGeo = typeof d3 !== 'undefined' && typeof d3.geoPath === 'function';
  var project = null, path = null;
  var mapLayers = {};

  function kmToDeg(km) { return km / R_EARTH_KM * 180 / Math.PI; }
  // The point at distance km and azimuth az (deg) from (lat, lon) on the sphere.
  function destination(lat, lon, azDeg, km) {
    var d = km / R_EARTH_KM, a = azDeg * Math.PI / 180;
    var p1 = lat * Math.PI / 180, l1 = lon * Math.PI / 180;
    var p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(a));
    var l2 = l1 + Math.atan2(Math.sin(a) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
    return [l2 * 180 / Math.PI, p2 * 180 / Math.PI];
  }
  // A polygon of [lon, lat] rings wound the way d3-geo wants (exterior: the
  // smaller area), so that no polygon fills the rest of the globe.
  function polygonFeature(ring) {
    var r = ring.slice();
    if (r.length && (r[0][0] !== r[r.length - 1][0] || r[0][1] !== r[r.length - 1][1])) r.push(r[0]);
    var f = { type: 'Feature', geometry: { type: 'Polygon', coordinates: [r] } };
    if (d3.geoArea(f) > 2 * Math.PI) f.geometry.coordinates = [r.slice().reverse()];
    return f;
  }
  function circleFeature(lat, lon, km) {
    return { type: 'Feature', geometry: d3.geoCircle().center([lon, lat]).radius(kmToDeg(km)).precision(2)() };
  }
  function wedgeFeature(r) {
    if (r.fov_az_deg >= 179.9) return circleFeature(r.lat, r.lon, r.cover_km);
    var ring = [[r.lon, r.lat]], a0 = r.boresight_az_deg - r.fov_az_deg, a1 = r.boresight_az_deg + r.fov_az_deg;
    for (var a = a0; a <= a1 + 1e-9; a += Math.max(1, (a1 - a0) / 60)) ring.push(destination(r.lat, r.lon, a, r.cover_km));
    return polygonFeature(ring);
  }

  function drawMap() {
    var note = document.getElementById('map-note');
    if (!haveGeo) {
      note.textContent = 'The map library is missing from this build (run scripts/deps.sh and rebuild).';
      return;
    }
    // Fit the projection to everything that matters: assets, sensors, sites, launch and aim points.
    var pts = [];
    D.assets.forEach(function (a) { pts.push([a.lon, a.lat]); });
    D.radars.forEach(function (a) { pts.push([a.lon, a.lat]); });
    D.sites.forEach(function (a) { pts.push([a.lon, a.lat]); });
    D.threats.forEach(function (t) { pts.push([t.lon0, t.lat0]); pts.push([t.lon1, t.lat1]); });
    if (A) A.tracks.forEach(function (t) { t.coords.forEach(function (l) { l.forEach(function (q) { pts.push([q[0], q[1]]); }); }); });
    if (!pts.length) pts.push([35, 45]);
    var fc = { type: 'MultiPoint', coordinates: pts };
    var c = d3.geoCentroid(fc);
    // Azimuthal equal-area centred on the theatre: areas (footprints) and
    // distances from the centre stay honest across the region. With the
    // strategic layer, centred on the North Pole (the central meridian
    // through the theatre's centroid, pointing down), so that the polar
    // routes (Russia to the United States) show whole.
    if (A) c = [c[0], 90];
    project = d3.geoAzimuthalEqualArea().rotate([-c[0], -c[1]]).clipAngle(A ? 120 : 100).precision(0.3);
    project.fitExtent([[70, 60], [W - 70, H - 50]], fc);
    path = d3.geoPath(project);

    var defs = sv('defs', null, svg);
    var clip = sv('clipPath', { id: 'map-clip' }, defs);
    sv('rect', { x: 0, y: 0, width: W, height: H }, clip);
    var root = sv('g', { 'clip-path': 'url(#map-clip)' }, svg);
    sv('rect', { x: 0, y: 0, width: W, height: H, class: 'ocean' }, root);
    var g = function (cls) { return (mapLayers[cls] = sv('g', { class: cls }, root)); };

    // Countries (Natural Earth 1:50m via world-atlas).
    var land = g('countries');
    if (typeof JMD_WORLD !== 'undefined' && typeof topojson !== 'undefined') {
      var countries = topojson.feature(JMD_WORLD, JMD_WORLD.objects.countries);
      countries.features.forEach(function (f) {
        var p = sv('path', { d: path(f), class: 'country' }, land);
        if (f.properties && f.properties.name) p.setAttribute('data-name', f.properties.name);
      });
      sv('path', { d: path(topojson.mesh(JMD_WORLD, JMD_WORLD.objects.countries, function (a, b) { return a !== b; })), class: 'border' }, land);
    }
    sv('path', { d: path(d3.geoGraticule().step([10, 10])()), class: 'graticule' }, land);

    // Party territories and sectors.
    var terr = g('territories');
    D.parties.forEach(function (p, i) {
      p.territory.forEach(function (ring) {
        var e = sv('path', { d: path(polygonFeature(ring)), class: 'territory', fill: partyColour(i), stroke: partyColour(i) }, terr);
        setTip(e, [p.name + ': territory', ring.length + ' vertices (simplified outline)']);
      });
      p.sector.forEach(function (ring) {
        var e = sv('path', { d: path(polygonFeature(ring)), class: 'sector', stroke: partyColour(i) }, terr);
        setTip(e, [p.name + ': sector (sectoral model)', ring.length + ' vertices']);
      });
    });

    // Coverage and reach footprints.
    var cov = g('coverage');
    D.radars.forEach(function (r) {
      var e = sv('path', { d: path(wedgeFeature(r)), class: 'radar-cover', fill: partyColour(r.owner), stroke: partyColour(r.owner) }, cov);
      setTip(e, [r.name + ' (radar, ' + partyName(r.owner) + ')',
        'detection range ' + fmt(r.range_km) + ' km (RCS ' + r.rcs_ref_m2 + ' m²)',
        'horizon for a target 100 km up: ' + fmt(r.horizon_km) + ' km',
        'field of view ' + fmt(r.boresight_az_deg) + '° ± ' + fmt(r.fov_az_deg) + '° azimuth']);
      sv('path', { d: path(circleFeature(r.lat, r.lon, r.range_km)), class: 'radar-range', stroke: partyColour(r.owner) }, cov);
    });
    D.sites.forEach(function (s) {
      var e = sv('path', { d: path(circleFeature(s.lat, s.lon, s.reach_km)), class: 'site-reach', stroke: partyColour(s.owner) }, cov);
      setTip(e, [s.name + ' reach (approximate)', s.interceptor + ': ~' + fmt(s.reach_km) + ' km ground reach',
        'burnout ' + fmt(s.burnout_speed_kms, 2) + ' km/s, intercepts ' + fmt(s.min_alt_km) + '–' + fmt(s.max_alt_km) + ' km up']);
    });

    // The transparency analysis's layer (drawn by drawAssure).
    if (A) mapLayers.assure = sv('g', { id: 'assure-layer', class: 'assure' }, root);

    // Threat ground tracks and end points (drawn by drawReplay).
    g('tracks');
    g('ends');

    // Sensors, sites and assets.
    var sym = g('symbols');
    D.radars.forEach(function (r) {
      var p = project([r.lon, r.lat]);
      if (!p) return;
      var e = sv('path', { d: 'M0,-8L7,5L-7,5Z', transform: 'translate(' + p[0].toFixed(1) + ',' + p[1].toFixed(1) + ')', class: 'radar', fill: partyColour(r.owner) }, sym);
      setTip(e, [r.name + ' (radar, ' + partyName(r.owner) + ')', 'at ' + fmt(r.lat, 2) + '° N ' + fmt(r.lon, 2) + '° E, ' + fmt(r.alt_m) + ' m',
        'detection range ' + fmt(r.range_km) + ' km, covers ~' + fmt(r.cover_km) + ' km at 100 km altitude', 'revisit ' + r.revisit_s + ' s']);
      sv('text', { x: p[0] + 9, y: p[1] + 12, class: 'label small' }, sym, r.name);
    });
    D.irsats.forEach(function (s) {
      var p = project([s.lon, s.lat]);
      if (!p || p[0] < 0 || p[0] > W || p[1] < 0 || p[1] > H) return;
      var e = sv('circle', { cx: p[0], cy: p[1], r: 5, class: 'irsat', stroke: partyColour(s.owner) }, sym);
      setTip(e, [s.name + ' (IR satellite, ' + partyName(s.owner) + ')', 'sub-satellite point ' + fmt(s.lat, 1) + '°, ' + fmt(s.lon, 1) + '°', 'report delay ' + s.delay_s + ' s']);
    });
    D.sites.forEach(function (s) {
      var p = project([s.lon, s.lat]);
      if (!p) return;
      var e = sv('path', { d: 'M0,-8L8,0L0,8L-8,0Z', transform: 'translate(' + p[0].toFixed(1) + ',' + p[1].toFixed(1) + ')', class: 'site', fill: partyColour(s.owner) }, sym);
      setTip(e, [s.name + ' (firing site, ' + partyName(s.owner) + ')', s.interceptor + ', ' + s.inventory + ' rounds, ' + s.launchers + ' launchers, Pk ' + s.pk,
        'burnout ' + fmt(s.burnout_speed_kms, 2) + ' km/s; ground reach ~' + fmt(s.reach_km) + ' km (approximate)']);
      sv('text', { x: p[0] + 10, y: p[1] - 6, class: 'label' }, sym, s.name);
    });
    D.assets.forEach(function (a, i) {
      var p = project([a.lon, a.lat]);
      if (!p) return;
      var e = sv('rect', { x: p[0] - 4, y: p[1] - 4, width: 8, height: 8, class: 'asset', 'data-asset': String(i) }, sym);
      setTip(e, [a.name + ' (defended asset, ' + partyName(a.owner) + ')', 'value ' + a.value + ', lethal radius ' + a.radius_km + ' km']);
      sv('text', { x: p[0] + 7, y: p[1] + 4, class: 'label' }, sym, a.name);
    });
    // Launch areas.
    var seen = {};
    D.threats.forEach(function (t) {
      var k = t.lat0.toFixed(2) + ',' + t.lon0.toFixed(2);
      if (seen[k]) return;
      seen[k] = 1;
      var p = project([t.lon0, t.lat0]);
      if (!p) return;
      var n = D.threats.filter(function (u) { return u.lat0.toFixed(2) + ',' + u.lon0.toFixed(2) === k; });
      var e = sv('circle', { cx: p[0], cy: p[1], r: 6, class: 'launch' }, sym);
      setTip(e, ['Launch point ' + fmt(t.lat0, 2) + '° N ' + fmt(t.lon0, 2) + '° E', n.length + ' threat(s): ' + n.map(function (u) { return u.name; }).join(', ')]);
    });
    g('markers');
    drawScaleBar(sym);
    declutter(sym.querySelectorAll('text.label'));

    // Legend.
    var lg = document.getElementById('map-legend');
    function item(swatch, text) { var s = el('span', { class: 'item' }, lg); s.appendChild(swatch); el('span', null, s, text); }
    function swatchSvg(build) { var s = document.createElementNS(SVGNS, 'svg'); s.setAttribute('width', '26'); s.setAttribute('height', '14'); build(s); return s; }
    D.parties.forEach(function (p, i) {
      item(swatchSvg(function (s) { sv('rect', { x: 1, y: 1, width: 24, height: 12, fill: partyColour(i), 'fill-opacity': 0.25, stroke: partyColour(i) }, s); }), p.name + ' territory (dashed: sector)');
    });
    if (D.replays.length) {
      item(swatchSvg(function (s) { sv('line', { x1: 1, y1: 7, x2: 25, y2: 7, stroke: FATE_COLOURS.intercepted, 'stroke-width': 3 }, s); }), 'track, intercepted (× intercept point)');
      item(swatchSvg(function (s) { sv('line', { x1: 1, y1: 7, x2: 25, y2: 7, stroke: FATE_COLOURS.leaked, 'stroke-width': 3 }, s); }), 'track, leaked (● impact)');
    }
    item(swatchSvg(function (s) { sv('path', { d: 'M13,1L20,12L6,12Z', fill: OI.grey }, s); }), 'radar, shaded: coverage at 100 km altitude, thin: detection range');
    item(swatchSvg(function (s) { sv('path', { d: 'M13,0L20,7L13,14L6,7Z', fill: OI.grey }, s); }), 'firing site, dotted circle: approximate ground reach');
    item(swatchSvg(function (s) { sv('rect', { x: 9, y: 3, width: 8, height: 8, class: 'asset' }, s); }), 'defended asset');
    item(swatchSvg(function (s) { sv('circle', { cx: 13, cy: 7, r: 5, class: 'launch' }, s); }), 'launch point');
    if (D.replays.length) item(swatchSvg(function (s) { sv('circle', { cx: 13, cy: 7, r: 4, class: 'threat-marker-swatch' }, s); }), 'threat at the slider time');
    if (A) {
      item(swatchSvg(function (s) { sv('line', { x1: 1, y1: 7, x2: 25, y2: 7, stroke: ASSURE_YES, 'stroke-width': 2.5 }, s); }), A.party + ' trajectory some site can engage (selected variant)');
      item(swatchSvg(function (s) { sv('line', { x1: 1, y1: 7, x2: 25, y2: 7, stroke: ASSURE_NO, 'stroke-width': 2, 'stroke-dasharray': '5 3' }, s); }), 'trajectory no site can engage');
      item(swatchSvg(function (s) { sv('circle', { cx: 13, cy: 7, r: 4, class: 'assure-first' }, s); }), 'first reachable intercept point');
      item(swatchSvg(function (s) { sv('path', { d: 'M9,3L17,11M9,11L17,3', class: 'assure-last' }, s); }), 'last reachable intercept point');
    }
    note.textContent = 'Azimuthal equal-area projection centred on ' + fmt(c[1], 1) + '° N ' + fmt(c[0], 1) +
      '° E. Reach circles are a picture of each interceptor\'s kinematic reach (half the free-flight range at its burnout speed, or its range limit), not the engagement model; coverage is the radar\'s detection range clipped by its horizon for a target 100 km up and by its field of view.';
  }

  // Moves labels down (then up) until none overlaps one placed before it.
  function declutter(labels) {
    var placed = [];
    Array.prototype.forEach.call(labels, function (t) {
      var b0;
      try { b0 = t.getBBox(); } catch (e) { return; }
      var y = Number(t.getAttribute('y')), tries = [0, 12, -12, 24, -24, 36];
      for (var i = 0; i < tries.length; i++) {
        var b = { x: b0.x, y: b0.y + tries[i], w: b0.width, h: b0.height };
        var hit = placed.some(function (p) { return b.x < p.x + p.w && p.x < b.x + b.w && b.y < p.y + p.h && p.y < b.y + b.h; });
        if (!hit || i === tries.length - 1) {
          t.setAttribute('y', String(y + tries[i]));
          placed.push(b);
          return;
        }
      }
    });
  }

  function drawScaleBar(parent) {
    // 500 km along the parallel through the bottom-left of the map.
    var p0 = project.invert([70, H - 22]);
    if (!p0) return;
    var q = destination(p0[1], p0[0], 90, 500), a = project(p0), b = project(q);
    if (!a || !b) return;
    var gbar = sv('g', { class: 'scalebar' }, parent);
    sv('line', { x1: a[0], y1: a[1], x2: b[0], y2: a[1] }, gbar);
    sv('line', { x1: a[0], y1: a[1] - 5, x2: a[0], y2: a[1] + 1 }, gbar);
    sv('line', { x1: b[0], y1: a[1] - 5, x2: b[0], y2: a[1] + 1 }, gbar);
    sv('text', { x: (a[0] + b[0]) / 2, y: a[1] - 7, 'text-anchor': 'middle', class: 'label small' }, gbar, '500 km');
  }

  // Position of a threat at time t along its downsampled track: [lon, lat, alt_km].
  function trackAt(track, t) {
    if (!track.length) return null;
    if (t <= track[0][0]) return [track[0][2], track[0][1], track[0][3]];
    var last = track[track.length - 1];
    if (t >= last[0]) return [last[2], last[1], last[3]];
    var lo = 0, hi = track.length - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (track[mid][0] <= t) lo = mid; else hi = mid; }
    var a = track[lo], b = track[hi], u = (t - a[0]) / (b[0] - a[0]);
    var ip = d3.geoInterpolate([a[2], a[1]], [b[2], b[1]])(u);
    return [ip[0], ip[1], a[3] + u * (b[3] - a[3])];
  }

  var markers = [];
  function drawReplay() {
    if (!haveGeo) return;
    var rp = D.replays[replayIndex];
    var tracks = mapLayers.tracks, ends = mapLayers.ends, mk = mapLayers.markers;
    tracks.textContent = ''; ends.textContent = ''; mk.textContent = '';
    markers = [];
    if (!rp) return;
    rp.threats.forEach(function (t) {
      var coords = t.track.map(function (p) { return [p[2], p[1]]; });
      if (coords.length < 2) coords = coords.concat(coords);
      var e = sv('path', {
        d: path({ type: 'LineString', coordinates: coords }) || 'M0,0', class: 'threat-track fate-' + t.fate,
        'data-threat': t.name, stroke: FATE_COLOURS[t.fate] || OI.grey, 'stroke-dasharray': FATE_DASH[t.fate]
      }, tracks);
      var info = D.threats.filter(function (u) { return u.name === t.name; })[0] || {};
      var apo = t.track.reduce(function (m, p) { return Math.max(m, p[3]); }, 0);
      var lines = [t.name + ': ' + t.fate + ' (' + rp.model + ')',
        (info.vehicle || '') + (info.class ? ' (' + info.class + ')' : '') + (info.target >= 0 && D.assets[info.target] ? ' at ' + D.assets[info.target].name : ''),
        'launch ' + fmtT(t.t_launch) + ', first detection ' + (t.t_detect == null ? 'never' : '+' + fmt(t.t_detect - t.t_launch) + ' s'),
        'interceptor launch ' + (t.t_engage == null ? 'none' : '+' + fmt(t.t_engage - t.t_launch) + ' s') + ', ' + t.rounds + ' round(s)',
        (t.fate === 'intercepted' ? 'intercepted' : 'ended') + ' at +' + fmt(t.t_end - t.t_launch) + ' s' + (t.end ? ', ' + fmt(t.end[2]) + ' km up' : ''),
        'apogee ~' + fmt(apo) + ' km' + (t.killer_site >= 0 && D.sites[t.killer_site] ? '; killed by ' + D.sites[t.killer_site].name : '')];
      setTip(e, lines);
      if (t.end) {
        var p = project([t.end[1], t.end[0]]);
        if (p) {
          var m;
          if (t.fate === 'intercepted') {
            m = sv('path', { d: 'M-5,-5L5,5M-5,5L5,-5', transform: 'translate(' + p[0].toFixed(1) + ',' + p[1].toFixed(1) + ')', class: 'intercept-point' }, ends);
          } else {
            m = sv('circle', { cx: p[0], cy: p[1], r: 4, class: 'impact-point fate-' + t.fate, fill: FATE_COLOURS[t.fate] || OI.grey }, ends);
          }
          setTip(m, lines);
        }
      }
      var c = sv('circle', { r: 4.5, class: 'threat-marker', 'data-threat': t.name, cx: 0, cy: 0 }, mk);
      setTip(c, [t.name]);
      markers.push({ node: c, t: t });
    });
  }

  // ---- the time slider -------------------------------------------------------
  var slider = document.getElementById('replay-slider');
  var timeOut = document.getElementById('replay-time');
  function replayRange() {
    var rp = D.replays[replayIndex], lo = Infinity, hi = -Infinity;
    if (rp) rp.threats.forEach(function (t) {
      if (t.t_launch != null) lo = Math.min(lo, t.t_launch);
      if (t.t_end != null) hi = Math.max(hi, t.t_end);
      if (t.track.length) hi = Math.max(hi, t.track[t.track.length - 1][0]);
    });
    if (!isFinite(lo)) lo = 0;
    if (!isFinite(hi) || hi <= lo) hi = lo + 1;
    return [Math.floor(lo), Math.ceil(hi)];
  }
  function setupSlider() {
    var r = replayRange();
    slider.min = String(r[0]);
    slider.max = String(r[1]);
    slider.step = '1';
    // Start in the middle of the raid: most threats in flight.
    var rp = D.replays[replayIndex], mids = [];
    if (rp) rp.threats.forEach(function (t) { if (t.t_launch != null && t.t_end != null) mids.push((t.t_launch + t.t_end) / 2); });
    mids.sort(function (a, b) { return a - b; });
    slider.value = String(Math.round(mids.length ? mids[mids.length >> 1] : r[0]));
    updateMarkers();
  }
  function updateMarkers() {
    var t = Number(slider.value), inFlight = 0;
    markers.forEach(function (m) {
      var tr = m.t.track, pos = trackAt(tr, t);
      if (!pos) return;
      var p = project([pos[0], pos[1]]);
      if (!p) return;
      m.node.setAttribute('cx', p[0].toFixed(1));
      m.node.setAttribute('cy', p[1].toFixed(1));
      var state = t < m.t.t_launch ? 'waiting' : (m.t.t_end != null && t >= m.t.t_end ? 'ended' : 'flying');
      if (state === 'flying') inFlight++;
      m.node.setAttribute('class', 'threat-marker ' + state + ' fate-' + m.t.fate);
      m.node.setAttribute('data-tip', m.t.name + '\n' + (state === 'waiting' ? 'not yet launched (launch ' + fmtT(m.t.t_launch) + ')' :
        state === 'ended' ? m.t.fate + ' at ' + fmtT(m.t.t_end) : 'in flight, ' + fmt(pos[2]) + ' km up, +' + fmt(t - m.t.t_launch) + ' s after launch'));
    });
    timeOut.textContent = 'T+' + t + ' s · ' + inFlight + ' in flight';
    drawTimelineCursor(t);
  }
  slider.addEventListener('input', updateMarkers);
  modelSel.addEventListener('change', function () {
    replayIndex = Number(modelSel.value);
    drawReplay();
    setupSlider();
  });
  var playing = null;
  document.getElementById('replay-play').addEventListener('click', function (ev) {
    if (playing) { clearInterval(playing); playing = null; ev.target.textContent = 'Play'; return; }
    ev.target.textContent = 'Pause';
    if (Number(slider.value) >= Number(slider.max)) slider.value = slider.min;
    playing = setInterval(function () {
      var v = Math.min(Number(slider.max), Number(slider.value) + 5);
      slider.value = String(v);
      updateMarkers();
      if (v >= Number(slider.max)) { clearInterval(playing); playing = null; ev.target.textContent = 'Play'; }
    }, 50);
  });

  // ============================================================== timeline
  var EVENTS = [
    { key: 't_detect', label: 'first detection', shape: 'circle', colour: OI.sky },
    { key: 't_track', label: 'firm track', shape: 'diamond', colour: OI.blue },
    { key: 't_warning', label: 'warning received', shape: 'triangle', colour: OI.yellow },
    { key: 't_decision', label: 'decision', shape: 'square', colour: OI.purple },
    { key: 't_engage', label: 'interceptor launch', shape: 'bar', colour: OI.orange }
  ];
  function shape(parent, kind, x, y, colour, size) {
    var s = size || 5;
    if (kind === 'circle') return sv('circle', { cx: x, cy: y, r: s, fill: colour, class: 'mk' }, parent);
    if (kind === 'square') return sv('rect', { x: x - s, y: y - s, width: 2 * s, height: 2 * s, fill: colour, class: 'mk' }, parent);
    if (kind === 'diamond') return sv('path', { d: 'M' + x + ',' + (y - s - 1) + 'l' + (s + 1) + ',' + (s + 1) + 'l' + (-s - 1) + ',' + (s + 1) + 'l' + (-s - 1) + ',' + (-s - 1) + 'Z', fill: colour, class: 'mk' }, parent);
    if (kind === 'triangle') return sv('path', { d: 'M' + x + ',' + (y - s - 1) + 'l' + (s + 1) + ',' + (2 * s + 1) + 'h' + (-2 * s - 2) + 'Z', fill: colour, class: 'mk' }, parent);
    if (kind === 'bar') return sv('rect', { x: x - 2, y: y - s - 2, width: 4, height: 2 * s + 4, fill: colour, class: 'mk' }, parent);
    if (kind === 'cross') return sv('path', { d: 'M' + (x - s) + ',' + (y - s) + 'l' + 2 * s + ',' + 2 * s + 'm0,' + (-2 * s) + 'l' + (-2 * s) + ',' + 2 * s, stroke: colour, 'stroke-width': 2.5, class: 'mk' }, parent);
    return null;
  }
  var cursorLines = [];
  function drawTimelineCursor(t) {
    cursorLines.forEach(function (c) {
      var th = c.threat, x = c.x0 + (t - th.t_launch) * c.k;
      var on = t >= th.t_launch && x <= c.x1;
      c.node.setAttribute('x1', x.toFixed(1));
      c.node.setAttribute('x2', x.toFixed(1));
      c.node.style.display = on ? '' : 'none';
    });
  }
  function drawTimeline() {
    var host = document.getElementById('timeline-charts');
    var lg = document.getElementById('timeline-legend');
    function legendItem(kind, colour, text) {
      var s = el('span', { class: 'item' }, lg), g = document.createElementNS(SVGNS, 'svg');
      g.setAttribute('width', '16'); g.setAttribute('height', '16'); s.appendChild(g);
      shape(g, kind, 8, 8, colour, 5);
      el('span', null, s, text);
    }
    var s0 = el('span', { class: 'item' }, lg), gs = document.createElementNS(SVGNS, 'svg');
    gs.setAttribute('width', '26'); gs.setAttribute('height', '16'); s0.appendChild(gs);
    sv('rect', { x: 1, y: 5, width: 24, height: 6, class: 'flight' }, gs);
    el('span', null, s0, 'flight, launch to end');
    EVENTS.forEach(function (e) { legendItem(e.shape, e.colour, e.label); });
    legendItem('cross', OI.green, 'intercept');
    legendItem('circle', OI.vermillion, 'impact (leaked)');
    var s1 = el('span', { class: 'item' }, lg), g1 = document.createElementNS(SVGNS, 'svg');
    g1.setAttribute('width', '26'); g1.setAttribute('height', '16'); s1.appendChild(g1);
    sv('rect', { x: 1, y: 3, width: 24, height: 10, class: 'latency' }, g1);
    el('span', null, s1, 'firm track to interceptor launch (decision latency)');

    var models = D.replays;
    if (!models.length) { el('p', null, host, 'No replay trial.'); return; }
    var maxFlight = 60;
    models.forEach(function (rp) { rp.threats.forEach(function (t) { if (t.t_end != null) maxFlight = Math.max(maxFlight, t.t_end - t.t_launch); }); });
    maxFlight = Math.ceil(maxFlight / 60) * 60;
    var rowH = 16, labelW = 190, modelW = 110, plotW = 620, padR = 150;
    var nthreats = D.threats.length, blockH = Math.max(models.length, 2) * rowH + 8;
    var Wt = labelW + modelW + plotW + padR, Ht = 44 + nthreats * blockH + 10;
    var s = sv('svg', { viewBox: '0 0 ' + Wt + ' ' + Ht, width: '100%', class: 'timeline-chart', role: 'img', 'aria-label': 'Engagement timeline' }, host);
    var x0 = labelW + modelW, k = plotW / maxFlight;
    // Axis.
    var step = maxFlight > 900 ? 120 : 60;
    for (var tk = 0; tk <= maxFlight; tk += step) {
      sv('line', { x1: x0 + tk * k, x2: x0 + tk * k, y1: 34, y2: Ht - 6, class: 'gridline' }, s);
      sv('text', { x: x0 + tk * k, y: 30, 'text-anchor': 'middle', class: 'axis' }, s, String(tk));
    }
    sv('text', { x: x0 + plotW / 2, y: 12, 'text-anchor': 'middle', class: 'axis strong' }, s, 'time after the threat\'s launch (s)');
    sv('text', { x: x0 + plotW + 8, y: 30, class: 'axis strong' }, s, 'outcome');
    sv('text', { x: 4, y: 30, class: 'axis strong' }, s, 'threat');
    sv('text', { x: labelW, y: 30, class: 'axis strong' }, s, 'model');
    for (var i = 0; i < nthreats; i++) {
      var y0 = 40 + i * blockH;
      var info = D.threats[i];
      if (i % 2 === 0) sv('rect', { x: 0, y: y0 - 2, width: Wt, height: blockH - 4, class: 'band' }, s);
      var lab = sv('text', { x: 4, y: y0 + rowH - 3, class: 'tl-threat' }, s, info.name);
      setTip(lab, [info.name, info.vehicle + ' (' + info.class + ')' + (info.target >= 0 && D.assets[info.target] ? ' at ' + D.assets[info.target].name : ''), 'launch ' + fmtT(info.t_launch)]);
      if (info.target >= 0 && D.assets[info.target]) sv('text', { x: 4, y: y0 + 2 * rowH - 3, class: 'axis' }, s, '→ ' + D.assets[info.target].name);
      models.forEach(function (rp, m) {
        var t = rp.threats[i];
        if (!t) return;
        var y = y0 + m * rowH + rowH / 2;
        sv('text', { x: labelW, y: y + 4, class: 'axis' }, s, rp.model);
        var xe = t.t_end != null ? x0 + (t.t_end - t.t_launch) * k : x0 + plotW;
        var bar = sv('rect', { x: x0, y: y - 3, width: Math.max(1, xe - x0), height: 6, class: 'flight' }, s);
        var tl = [t.name + ' — ' + rp.model + ': ' + t.fate, 'launch ' + fmtT(t.t_launch)];
        EVENTS.forEach(function (e) { tl.push(e.label + ': ' + (t[e.key] == null ? 'never' : '+' + fmt(t[e.key] - t.t_launch) + ' s')); });
        tl.push((t.fate === 'intercepted' ? 'intercept' : 'end') + ': +' + fmt(t.t_end - t.t_launch) + ' s');
        if (t.rounds) tl.push(t.rounds + ' interceptor(s)' + (t.engage_site >= 0 && D.sites[t.engage_site] ? ' from ' + D.sites[t.engage_site].name : ''));
        setTip(bar, tl);
        if (t.t_track != null && t.t_engage != null && t.t_engage > t.t_track) {
          var lr = sv('rect', { x: x0 + (t.t_track - t.t_launch) * k, y: y - 6, width: (t.t_engage - t.t_track) * k, height: 12, class: 'latency' }, s);
          setTip(lr, tl);
        }
        EVENTS.forEach(function (e) {
          if (t[e.key] == null) return;
          var mk = shape(s, e.shape, x0 + (t[e.key] - t.t_launch) * k, y, e.colour, 4);
          if (mk) setTip(mk, tl);
        });
        var endMk = t.fate === 'intercepted' ? shape(s, 'cross', xe, y, OI.green, 4) : (t.fate === 'leaked' ? shape(s, 'circle', xe, y, OI.vermillion, 4.5) : null);
        if (endMk) setTip(endMk, tl);
        var summary = t.fate === 'intercepted' ? 'killed +' + fmt(t.t_end - t.t_launch) + ' s' : t.fate === 'leaked' ? 'leaked +' + fmt(t.t_end - t.t_launch) + ' s' : t.fate;
        sv('text', { x: x0 + plotW + 8, y: y + 4, class: 'axis fate-text-' + t.fate }, s, summary);
      });
      // The replay cursor (one per threat block), moved by the slider.
      var cl = sv('line', { x1: x0, x2: x0, y1: y0 - 2, y2: y0 + blockH - 6, class: 'tl-cursor' }, s);
      cursorLines.push({ node: cl, threat: D.threats[i], x0: x0, x1: x0 + plotW, k: k });
    }
  }

  // ============================================================ comparison
  function drawComparison() {
    var table = document.getElementById('comparison');
    var thead = table.querySelector('thead'), tbody = table.querySelector('tbody');
    var note = document.getElementById('comparison-note');
    var st = D.study;
    var hr = el('tr', null, thead);
    var cols = ['Model', 'P(no leaker) [95 % CI]', 'Leakers (mean)', 'Intercepted (mean)', 'Interceptors fired (mean)', 'Wasted (mean)'];
    D.parties.forEach(function (p) { cols.push(p.name + ': P(no asset hit)'); });
    cols.push('Median first detection', 'Median first interceptor launch');
    cols.forEach(function (c) { el('th', { scope: 'col' }, hr, c); });
    var rows = [];
    if (st) {
      note.textContent = st.trials + ' Monte Carlo trials per model with common random numbers (study seed ' + st.seed +
        '): every model sees the same threat, sensor and kill draws. Intervals: Wilson score (probabilities), Student-t (means), 95 %. Times: median over the trials in which the event happened, s after the first launch.';
      st.models.forEach(function (m) {
        rows.push({
          name: m.name, p: m.no_leaker, leakers: m.leakers.mean, intercepted: m.intercepted.mean,
          fired: m.fired, wasted: m.wasted, parties: m.parties.map(function (p) { return p.no_asset_hit; }),
          tdetect: m.times.detect.median, tlaunch: m.times.launch.median, dep: m.parties
        });
      });
    } else {
      note.textContent = 'A single run: one trial, so no intervals. Run `jmd run SCENARIO --models all --out DIR` for the comparison of the cooperation models with confidence intervals.';
      D.replays.forEach(function (rp) {
        var t0 = Math.min.apply(null, rp.threats.map(function (t) { return t.t_launch; }));
        var first = function (key) { var v = rp.threats.map(function (t) { return t[key]; }).filter(function (x) { return x != null; }); return v.length ? Math.min.apply(null, v) - t0 : null; };
        var hit = D.parties.map(function () { return 0; });
        rp.threats.forEach(function (t, i) {
          var tg = D.threats[i] && D.threats[i].target;
          if (t.assets_hit > 0 && tg >= 0 && D.assets[tg]) hit[D.assets[tg].owner] = 1;
        });
        rows.push({
          name: rp.model, p: { p: rp.leaked === 0 ? 1 : 0, lo: null, hi: null, k: rp.leaked === 0 ? 1 : 0, n: 1 },
          leakers: rp.leaked, intercepted: rp.intercepted, fired: { mean: rp.fired }, wasted: { mean: rp.wasted },
          parties: hit.map(function (h) { return { p: 1 - h, lo: null, hi: null, k: 1 - h, n: 1 }; }),
          tdetect: first('t_detect'), tlaunch: first('t_engage'), dep: null
        });
      });
    }
    function pci(p) { return p.lo == null ? fmt(p.p, 2) + ' (' + p.k + '/' + p.n + ')' : fmt(p.p, 3) + ' [' + fmt(p.lo, 3) + ', ' + fmt(p.hi, 3) + ']'; }
    rows.forEach(function (r, i) {
      var tr = el('tr', { class: 'model-row', 'data-model': r.name }, tbody);
      var th = el('th', { scope: 'row' }, tr);
      el('span', { class: 'dot', style: 'background:' + MODEL_COLOURS[i % MODEL_COLOURS.length] }, th);
      th.appendChild(document.createTextNode(r.name));
      el('td', null, tr, pci(r.p));
      el('td', null, tr, fmt(r.leakers, 2));
      el('td', null, tr, fmt(r.intercepted, 2));
      el('td', null, tr, fmt(r.fired.mean, 2));
      el('td', null, tr, fmt(r.wasted.mean, 2));
      r.parties.forEach(function (p) { el('td', null, tr, pci(p)); });
      el('td', null, tr, r.tdetect == null ? '—' : fmt(r.tdetect) + ' s');
      el('td', null, tr, r.tlaunch == null ? '—' : fmt(r.tlaunch) + ' s');
    });
    drawCharts(rows);
  }

  // A horizontal dot-and-whisker or bar chart: items [{label, colour, v, lo, hi, v2}].
  function hChart(host, title, items, opts) {
    var box = el('figure', { class: 'chart' }, host);
    el('figcaption', null, box, title);
    var rowH = 22, left = 130, plotW = 300, right = 70, top = 8;
    var Hc = top + items.length * rowH + 34, Wc = left + plotW + right;
    var s = sv('svg', { viewBox: '0 0 ' + Wc + ' ' + Hc, width: '100%', role: 'img', 'aria-label': title }, box);
    var max = opts.max != null ? opts.max : Math.max(1e-9, Math.max.apply(null, items.map(function (d) { return Math.max(d.hi != null ? d.hi : d.v || 0, d.v || 0); }))) * 1.1;
    var xs = function (v) { return left + plotW * Math.max(0, Math.min(1, v / max)); };
    var ticks = opts.ticks || [0, max / 2, max];
    ticks.forEach(function (t) {
      sv('line', { x1: xs(t), x2: xs(t), y1: top, y2: top + items.length * rowH, class: 'gridline' }, s);
      sv('text', { x: xs(t), y: top + items.length * rowH + 14, 'text-anchor': 'middle', class: 'axis' }, s, opts.tickFmt ? opts.tickFmt(t) : fmt(t, 1));
    });
    sv('text', { x: left + plotW / 2, y: Hc - 4, 'text-anchor': 'middle', class: 'axis' }, s, opts.unit);
    items.forEach(function (d, i) {
      var y = top + i * rowH + rowH / 2;
      sv('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, s, d.label);
      var g = sv('g', null, s);
      if (opts.bars) {
        sv('rect', { x: left, y: y - 7, width: Math.max(0, xs(d.v || 0) - left), height: 14, fill: d.colour, 'fill-opacity': 0.85 }, g);
        if (d.v2 != null) sv('rect', { x: left, y: y - 7, width: Math.max(0, xs(d.v2) - left), height: 14, class: 'wasted' }, g);
      }
      if (d.lo != null && d.hi != null) {
        sv('line', { x1: xs(d.lo), x2: xs(d.hi), y1: y, y2: y, class: 'whisker' }, g);
        sv('line', { x1: xs(d.lo), x2: xs(d.lo), y1: y - 4, y2: y + 4, class: 'whisker' }, g);
        sv('line', { x1: xs(d.hi), x2: xs(d.hi), y1: y - 4, y2: y + 4, class: 'whisker' }, g);
      }
      if (!opts.bars && d.v != null) sv('circle', { cx: xs(d.v), cy: y, r: 5, fill: d.colour, class: 'dot-mark' }, g);
      sv('text', { x: left + plotW + 6, y: y + 4, class: 'axis' }, s, d.text != null ? d.text : fmt(d.v, 2));
      setTip(g, [d.label, d.tip || d.text || fmt(d.v, 3)]);
    });
    return box;
  }

  function drawCharts(rows) {
    var host = document.getElementById('charts');
    var col = function (i) { return MODEL_COLOURS[i % MODEL_COLOURS.length]; };
    var pfmt = function (t) { return fmt(t, 2); };
    var probTicks = [0, 0.25, 0.5, 0.75, 1];
    hChart(host, 'Probability of no leaker, with its 95 % interval', rows.map(function (r, i) {
      return { label: r.name, colour: col(i), v: r.p.p, lo: r.p.lo, hi: r.p.hi, text: fmt(r.p.p, 2),
        tip: 'P = ' + fmt(r.p.p, 3) + (r.p.lo != null ? ', 95 % CI [' + fmt(r.p.lo, 3) + ', ' + fmt(r.p.hi, 3) + ']' : '') + ' (' + r.p.k + ' of ' + r.p.n + ' trials)' };
    }), { max: 1, ticks: probTicks, tickFmt: pfmt, unit: 'probability (all threats stopped in a trial)' });
    D.parties.forEach(function (p, pi) {
      hChart(host, p.name + ': probability that none of its assets is hit', rows.map(function (r, i) {
        var q = r.parties[pi];
        return { label: r.name, colour: col(i), v: q.p, lo: q.lo, hi: q.hi, text: fmt(q.p, 2),
          tip: 'P = ' + fmt(q.p, 3) + (q.lo != null ? ', 95 % CI [' + fmt(q.lo, 3) + ', ' + fmt(q.hi, 3) + ']' : '') };
      }), { max: 1, ticks: probTicks, tickFmt: pfmt, unit: 'probability' });
    });
    hChart(host, 'Interceptors fired per trial (hatched: wasted, killed nothing), with the 95 % interval of the mean fired', rows.map(function (r, i) {
      return { label: r.name, colour: col(i), v: r.fired.mean, v2: r.wasted.mean, lo: r.fired.lo, hi: r.fired.hi,
        text: fmt(r.fired.mean, 1) + ' / ' + fmt(r.wasted.mean, 1), tip: 'fired ' + fmt(r.fired.mean, 2) + ', wasted ' + fmt(r.wasted.mean, 2) + ' (mean per trial)' };
    }), { bars: true, unit: 'interceptors per trial (fired / wasted)' });
    // Dependence (comparison only).
    if (D.study) {
      var kinds = [['dep_data', 'another party\'s data'], ['dep_consent', 'another party\'s consent'], ['dep_interceptor', 'another party\'s interceptor']];
      D.parties.forEach(function (p, pi) {
        var items = [];
        rows.forEach(function (r, i) {
          var dp = r.dep[pi];
          kinds.forEach(function (kd, j) {
            var q = dp[kd[0]];
            items.push({ label: (j === 0 ? r.name + ' · ' : '') + ['data', 'consent', 'interceptor'][j], colour: col(i), v: q.share == null ? 0 : q.share,
              text: q.defended ? pct(q.share) + ' (' + q.relied + '/' + q.defended + ')' : 'n/a',
              tip: r.name + ': ' + q.relied + ' of ' + q.defended + ' threats to ' + p.name + ' that were intercepted relied on ' + kd[1] });
          });
        });
        hChart(host, 'Dependence of ' + p.name + ': share of its defended threats that relied on another party', items, { bars: true, max: 1, ticks: probTicks, tickFmt: pct, unit: 'share of intercepted threats to its assets' });
      });
    } else {
      el('p', { class: 'note' }, host, 'Dependence (whose data, consent or interceptor each defence relied on) is measured over the trials of a comparison: run with --models.');
    }
  }

  // ================================================================ sources
  function drawSources() {
    var host = document.getElementById('sources-tables');
    var note = document.getElementById('sources-note');
    note.textContent = 'The world as simulated (SI inputs shown in the units of the scenario file), then every parameter of ' +
      (D.scenario_file || 'the scenario file') + ' with the source its comment gives ("assumption" marks a value chosen by the scenario\'s author, with the reason).';
    function table(caption, head, rows) {
      var t = el('table', { class: 'params' }, host);
      el('caption', null, t, caption);
      var tr = el('tr', null, el('thead', null, t));
      head.forEach(function (h) { el('th', { scope: 'col' }, tr, h); });
      var tb = el('tbody', null, t);
      rows.forEach(function (r) { var row = el('tr', null, tb); r.forEach(function (c) { el('td', null, row, c); }); });
      return t;
    }
    table('Radars', ['Name', 'Party', 'Position', 'Detection range (km)', 'Horizon at 100 km altitude (km)', 'Field of view (az)', 'Revisit (s)'],
      D.radars.map(function (r) { return [r.name, partyName(r.owner), fmt(r.lat, 2) + '° N, ' + fmt(r.lon, 2) + '° E, ' + fmt(r.alt_m) + ' m', fmt(r.range_km) + ' (RCS ' + r.rcs_ref_m2 + ' m²)', fmt(r.horizon_km), r.fov_az_deg >= 179.9 ? 'all round' : fmt(r.boresight_az_deg) + '° ± ' + fmt(r.fov_az_deg) + '°', String(r.revisit_s)]; }));
    if (D.irsats.length) table('Early-warning satellites', ['Name', 'Party', 'Sub-satellite point', 'Altitude (km)', 'Report delay (s)'],
      D.irsats.map(function (s) { return [s.name, partyName(s.owner), fmt(s.lat, 1) + '°, ' + fmt(s.lon, 1) + '°', fmt(s.alt_km), String(s.delay_s)]; }));
    table('Firing sites', ['Name', 'Party', 'Position', 'Interceptor', 'Burnout speed (km/s)', 'Intercept altitudes (km)', 'Ground reach (km, approx.)', 'Rounds / launchers', 'Pk'],
      D.sites.map(function (s) { return [s.name, partyName(s.owner), fmt(s.lat, 2) + '° N, ' + fmt(s.lon, 2) + '° E', s.interceptor, fmt(s.burnout_speed_kms, 2), fmt(s.min_alt_km) + '–' + fmt(s.max_alt_km), fmt(s.reach_km), s.inventory + ' / ' + s.launchers, String(s.pk)]; }));
    table('Defended assets', ['Name', 'Party', 'Position', 'Value', 'Lethal radius (km)'],
      D.assets.map(function (a) { return [a.name, partyName(a.owner), fmt(a.lat, 2) + '° N, ' + fmt(a.lon, 2) + '° E', String(a.value), String(a.radius_km)]; }));
    table('Threats', ['Name', 'Vehicle', 'Class', 'Launch point', 'Aim point', 'Target', 'Launch (s after epoch)'],
      D.threats.map(function (t) { return [t.name, t.vehicle, t.class, fmt(t.lat0, 2) + '°, ' + fmt(t.lon0, 2) + '°', fmt(t.lat1, 2) + '°, ' + fmt(t.lon1, 2) + '°', t.target >= 0 && D.assets[t.target] ? D.assets[t.target].name : '—', fmt(t.t_launch)]; }));
    var st = table('Parameters of ' + (D.scenario_file || 'the scenario') + ' and their sources', ['Line', 'Entry', 'Parameter', 'Value', 'Source'],
      D.sources.map(function (s) { return [String(s.line), s.context || '(scenario)', s.key, s.value, s.source]; }));
    st.classList.add('sources-table');
    Array.prototype.forEach.call(st.querySelectorAll('tbody tr'), function (tr) {
      var c = tr.lastChild;
      if (/^assumption/i.test(c.textContent)) c.classList.add('assumption');
    });
    if (!D.sources.length) el('p', { class: 'note' }, host, 'The scenario file could not be read for its comments.');
  }

  // ================================================================ assure
  var VARIANT_TEXT = { kinematic: 'kinematic reach only', own: 'with the site owner\'s own sensors',
    shared: 'with shared sensors (all parties, the deterrent\'s included)', sectoral: 'shared sensors, sectoral limits' };
  var assureVariant = 'kinematic';
  function drawAssureLayer() {
    var layer = mapLayers.assure;
    if (!layer || !haveGeo) return;
    layer.textContent = '';
    var eng = A.eng[assureVariant] || {}, nyes = 0;
    var gt = sv('g', { class: 'assure-tracks' }, layer);
    // Tracks no site can engage first, so the engageable ones lie on top.
    var order = A.tracks.slice().sort(function (a, b) { return (eng[a.index] ? 1 : 0) - (eng[b.index] ? 1 : 0); });
    order.forEach(function (t) {
      var who = eng[t.index], p = t.props;
      if (who) nyes++;
      var e = sv('path', {
        d: path({ type: 'MultiLineString', coordinates: t.coords.map(function (l) { return l.map(function (q) { return [q[0], q[1]]; }); }) }) || 'M0,0',
        class: 'assure-track ' + (who ? 'engageable' : 'not-engageable'), 'data-trajectory': String(t.index),
        stroke: who ? ASSURE_YES : ASSURE_NO, 'stroke-dasharray': who ? null : '5 3'
      }, gt);
      var tr = (A.result.trajectories || [])[t.index] || {};
      setTip(e, ['Trajectory ' + t.index + ': ' + p.launch + ' → ' + p.target,
        p.vehicle + ', ' + p.type + (tr.flight_time_s != null ? ', ' + fmt(tr.flight_time_s) + ' s flight, apogee ' + fmt(tr.apogee_km) + ' km, ' + fmt(tr.ground_range_km) + ' km range' : ''),
        who ? 'engageable (' + assureVariant + ') by ' + who.join(', ') : 'no site can engage it (' + assureVariant + ')']);
    });
    var gp = sv('g', { class: 'assure-points' }, layer);
    A.points.forEach(function (f) {
      var p = f.properties;
      if (p.variant !== assureVariant) return;
      var q = project(f.geometry.coordinates);
      if (!q) return;
      var m = p.edge === 'first'
        ? sv('circle', { cx: q[0].toFixed(1), cy: q[1].toFixed(1), r: 3.5, class: 'assure-first' }, gp)
        : sv('path', { d: 'M-3.5,-3.5L3.5,3.5M-3.5,3.5L3.5,-3.5', transform: 'translate(' + q[0].toFixed(1) + ',' + q[1].toFixed(1) + ')', class: 'assure-last' }, gp);
      setTip(m, [p.site + ' (' + p.interceptor + '): ' + p.edge + ' reachable intercept point',
        'trajectory ' + p.trajectory + ', +' + fmt(p.t_s) + ' s after launch, ' + fmt(p.alt_km) + ' km up',
        'commit margin ' + (p.margin_s == null ? '—' : fmt(p.margin_s) + ' s')]);
    });
    var st = document.getElementById('assure-summary');
    st.textContent = nyes + ' of ' + A.tracks.length + ' sampled trajectories can be engaged by at least one site (' + (VARIANT_TEXT[assureVariant] || assureVariant) + ').';
    Array.prototype.forEach.call(document.querySelectorAll('#assure-table [data-variant]'), function (c) {
      c.classList.toggle('selected', c.getAttribute('data-variant') === assureVariant);
    });
  }
  function drawAssure() {
    var sec = document.getElementById('assure-section');
    if (!A) { sec.hidden = true; return; }
    sec.hidden = false;
    document.getElementById('assure-title').textContent = 'Engagement reach against ' + A.party + '\'s deterrent';
    var sel = document.getElementById('assure-variant');
    A.variants.forEach(function (v) { el('option', { value: v }, sel, v + ' — ' + (VARIANT_TEXT[v] || v)); });
    if (A.variants.indexOf(assureVariant) < 0) assureVariant = A.variants[0];
    sel.value = assureVariant;
    sel.addEventListener('change', function () { assureVariant = sel.value; drawAssureLayer(); });
    var o = A.result.options || {};
    document.getElementById('assure-note').textContent = A.tracks.length + ' sampled strategic trajectories of ' + A.party +
      ' (launch areas × aim points × trajectory types; ' + (A.result.trajectories || []).length + ' sampled). A trajectory is coloured when at least one other party\'s firing site can engage it: kinematic reach (flight core) and, except for "kinematic", a firm track (Pd ≥ ' + o.pd_min + ', ' + o.looks +
      ' looks) early enough to commit. Not modelled: discrimination, countermeasures, the kill probability of an engageable shot (docs/assure.md).';
    // The table: per site and interceptor, the engageable fraction and flip speed per variant.
    var t = document.getElementById('assure-table');
    var hr = el('tr', null, el('thead', null, t));
    ['Site', 'Party', 'Interceptor', 'Burnout (km/s)', 'Trajectories'].forEach(function (h) { el('th', { scope: 'col' }, hr, h); });
    A.variants.forEach(function (v) { el('th', { scope: 'col', 'data-variant': v }, hr, v + ': engageable · flips at (km/s) · best margin (s)'); });
    var tb = el('tbody', null, t);
    (A.result.sites || []).forEach(function (S) {
      var row = el('tr', { class: 'assure-row' }, tb);
      [S.site, S.owner, S.interceptor, fmt(S.burnout_speed_km_s, 2), String(S.trajectories)].forEach(function (c) { el('td', null, row, c); });
      A.variants.forEach(function (v) {
        var V = S.variants[v] || {};
        el('td', { 'data-variant': v }, row, pct(V.fraction) + ' (' + V.engageable + ') · ' +
          (V.flip_speed_km_s == null ? 'never in sweep' : fmt(V.flip_speed_km_s, 2)) + ' · ' +
          (V.margin_best_s == null ? '—' : (V.margin_best_s >= 0 ? '+' : '') + fmt(V.margin_best_s)));
      });
    });
    var sp = A.result.speeds_km_s || [];
    el('p', { class: 'note' }, document.getElementById('assure-section'),
      '"Flips at": the least burnout speed in the sweep ' + (sp.length ? fmt(sp[0], 1) + '–' + fmt(sp[sp.length - 1], 1) + ' km/s ' : '') +
      'at which the site engages any sampled trajectory. Margin: seconds between the latest and the earliest possible commit (positive: time to spare). Interceptor and radar figures are contested in public sources: read the curve, not a verdict.');
    drawAssureLayer();
  }

  // ==================================================================== go
  if (A && !D.replays.length) {
    // The transparency analysis has no replay, timeline or comparison.
    document.querySelector('#map-section .controls').hidden = true;
    document.getElementById('comparison-section').hidden = true;
    document.getElementById('timeline').hidden = true;
  }
  drawMap();
  drawReplay();
  drawTimeline();
  setupSlider();
  drawComparison();
  drawSources();
  drawAssure();
})();

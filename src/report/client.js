// The report's page script (inlined by src/report/html.ts, runs in the browser, offline): draws the
// figures with vega-embed (tooltips from the specs), the tables, the per-layer drill-down and the
// sweep heatmap's metric selector. Plain JS without modules: it runs from a file:// page.
/* global document, window, vegaEmbed, URLSearchParams */
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('ousim-data').textContent);
  const $ = (id) => document.getElementById(id);
  const errors = [];
  // A link can open a view: #network=vgg16-cifar10&mapping=pattern&layer=conv3_1, #metric=latency_ns.
  const wanted = new URLSearchParams(window.location.hash.slice(1));
  // The browser test reads these: every figure drawn, and no error on the way.
  window.addEventListener('error', (event) => errors.push(String(event.message)));
  const finish = (ok) => {
    document.body.dataset.errors = String(errors.length);
    document.body.dataset.ready = ok ? 'true' : 'failed';
  };

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') node.textContent = v;
      else if (k === 'onclick' || k === 'onchange') node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  // Numbers as the CSV holds them in the title, shortened in the cell.
  function cell(text) {
    const n = Number(text);
    const shown =
      text.trim() !== '' && Number.isFinite(n) && !Number.isInteger(n)
        ? String(Number(n.toPrecision(6)))
        : text;
    return el('td', { text: shown, title: text, class: Number.isFinite(n) && text !== '' ? 'num' : '' });
  }

  function table(columns, rows, onRow) {
    const head = el(
      'tr',
      {},
      columns.map((c) => el('th', { text: c })),
    );
    const body = rows.map((row, i) => {
      const tr = el(
        'tr',
        {},
        columns.map((c) => cell(row[c] ?? '')),
      );
      if (onRow) {
        tr.classList.add('clickable');
        tr.addEventListener('click', () => onRow(row, i));
      }
      return tr;
    });
    return el('div', { class: 'scroll' }, [
      el('table', {}, [el('thead', {}, [head]), el('tbody', {}, body)]),
    ]);
  }

  // The main table leaves out the action counts (there are dozens); "all columns" has them.
  function tableWithAll(parent, csv, maxRows) {
    const rows = csv.rows.slice(0, maxRows);
    const main = csv.header.filter((c) => !c.endsWith('_count'));
    parent.append(table(main, rows));
    if (main.length < csv.header.length)
      parent.append(el('details', {}, [el('summary', { text: 'all columns' }), table(csv.header, rows)]));
    if (csv.rows.length > rows.length)
      parent.append(el('p', { class: 'note', text: `first ${rows.length} of ${csv.rows.length} rows` }));
  }

  const embeds = [];
  function embed(target, spec, onClick) {
    const done = vegaEmbed(target, spec, { actions: false, renderer: 'svg' }).then((result) => {
      if (onClick)
        result.view.addEventListener('click', (_event, item) => {
          if (item && item.datum) onClick(item.datum);
        });
      return result;
    });
    embeds.push(done);
    return done;
  }

  // Configuration.
  if (data.config !== undefined) {
    const c = data.config;
    const facts = [
      ['ousim', c.ousim ?? c.ousimVersion],
      ['command', c.command],
      ['arch', c.archFile ?? c.arch?.name ?? c.arch],
      ['seed', c.seed],
      ['fidelity', c.fidelity],
      ['mappers', Array.isArray(c.mappers) ? c.mappers.join(', ') : c.mapping],
      [
        'overrides',
        Array.isArray(c.overrides) ? c.overrides.map((o) => `${o.key}=${o.value}`).join(' ') : '',
      ],
      ['networks', Array.isArray(c.networks) ? c.networks.map((n) => n.name).join(', ') : ''],
      ['axes', Array.isArray(c.axes) ? c.axes.map((a) => `${a.key}=${a.values.join(',')}`).join(' ') : ''],
    ].filter(([, v]) => v !== undefined && v !== '' && typeof v !== 'object');
    $('config').append(
      el(
        'dl',
        {},
        facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]),
      ),
      el('details', {}, [
        el('summary', { text: `${data.configFile} (everything)` }),
        el('pre', { text: JSON.stringify(c, null, 2) }),
      ]),
    );
  } else $('config').append(el('p', { class: 'note', text: 'no config.resolved.json in this folder' }));

  // Figures (except the per-layer one, which belongs to the drill-down).
  for (const figure of data.figures) {
    if (figure.id === 'crossbars-per-layer') continue;
    const box = el('div', { class: 'figure', id: `figure-${figure.id}` });
    $('figures').append(box);
    if (figure.spec) embed(box, figure.spec);
    else box.append(el('p', { class: 'note', text: `not drawn: ${figure.skipped}` }));
  }

  if (!data.figures.some((f) => f.id !== 'crossbars-per-layer')) $('figures-section').remove();

  for (const [name, id] of [
    ['summary.csv', 'summary'],
    ['compare.csv', 'compare'],
  ]) {
    const csv = data.tables[name];
    if (csv) tableWithAll($(id), csv, 1000);
    else $(`${id}-section`).remove();
  }

  // Per-layer drill-down: pick a network and mapping (or click a bar), then a layer (or click a row).
  const layers = data.tables['layers.csv'];
  if (layers) {
    const keyOf = (r) => `${r.network} / ${r.mapping}`;
    const keys = [...new Set(layers.rows.map(keyOf))];
    const select = el(
      'select',
      { id: 'layer-network' },
      keys.map((k) => el('option', { value: k, text: k })),
    );
    const rowsBox = el('div', { id: 'layer-rows' });
    const detail = el('div', { id: 'layer-detail' });
    const columns = layers.header.filter((c) => !c.endsWith('_count'));
    const showLayer = (network, layer) => {
      const rows = layers.rows.filter((r) => r.network === network && r.layer === layer);
      detail.replaceChildren(
        el('h3', { text: `${network}: layer ${layer}` }),
        table(
          ['mapping', ...layers.header.filter((c) => !['network', 'layer', 'mapping'].includes(c))],
          rows,
        ),
      );
    };
    const show = () => {
      const rows = layers.rows.filter((r) => keyOf(r) === select.value);
      rowsBox.replaceChildren(table(columns, rows, (row) => showLayer(row.network, row.layer)));
      detail.replaceChildren(
        el('p', { class: 'note', text: 'click a layer (a row, or a bar above) for all its figures' }),
      );
    };
    select.addEventListener('change', show);
    $('layers').append(el('p', {}, [el('label', { text: 'network / mapping ' }, [select])]));
    const figure = data.figures.find((f) => f.id === 'crossbars-per-layer');
    if (figure && figure.spec) {
      const box = el('div', { class: 'figure', id: 'figure-crossbars-per-layer' });
      $('layers').append(box);
      embed(box, figure.spec, (datum) => {
        if (datum.layer === undefined) return;
        const key = `${datum.network} / ${datum.mapping}`;
        if (keys.includes(key) && select.value !== key) {
          select.value = key;
          show();
        }
        showLayer(datum.network, datum.layer);
      });
    }
    $('layers').append(rowsBox, detail);
    const key = `${wanted.get('network')} / ${wanted.get('mapping')}`;
    if (keys.includes(key)) select.value = key;
    show();
    if (wanted.has('layer')) showLayer(wanted.get('network'), wanted.get('layer'));
  } else $('layers-section').remove();

  // Sweep: heatmap with a metric selector, then the rows.
  const sweep = data.tables['sweep.csv'];
  if (sweep) {
    const heat = data.heatmaps;
    if (heat && heat.metrics.length > 0) {
      const select = el(
        'select',
        { id: 'heatmap-metric' },
        heat.metrics.map((m, i) => el('option', { value: String(i), text: m.label })),
      );
      const box = el('div', { class: 'figure', id: 'figure-sweep-heatmap' });
      select.addEventListener('change', () => embed(box, heat.metrics[Number(select.value)].spec));
      $('sweep').append(el('p', {}, [el('label', { text: 'metric ' }, [select])]), box);
      const first = Math.max(
        0,
        heat.metrics.findIndex((m) => m.column === wanted.get('metric')),
      );
      select.value = String(first);
      embed(box, heat.metrics[first].spec);
    } else if (heat && heat.skipped)
      $('sweep').append(el('p', { class: 'note', text: `no heatmap: ${heat.skipped}` }));
    tableWithAll($('sweep'), sweep, 2000);
  } else $('sweep-section').remove();

  Promise.all(embeds).then(
    () => finish(errors.length === 0),
    (error) => {
      errors.push(String(error));
      finish(false);
      throw error;
    },
  );
})();

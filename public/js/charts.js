/* Draws every <canvas data-chart="ID"> from the JSON in <script type="application/json" id="ID">.
 * Data arrives as JSON (never inline script: the CSP forbids it); number formats are named, not functions. */
(function () {
  'use strict';
  if (!window.Chart) return;
  var Chart = window.Chart;
  var money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
  var compact = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    notation: 'compact',
    maximumFractionDigits: 1,
  });
  var formats = {
    money: function (v) {
      return money.format(v);
    },
    moneyCompact: function (v) {
      return compact.format(v);
    },
    percent: function (v) {
      return Math.round(v * 10) / 10 + '%';
    },
    points: function (v) {
      return (v > 0 ? '+' : '') + Math.round(v * 10) / 10 + ' pts';
    },
    count: function (v) {
      return String(Math.round(v));
    },
    score: function (v) {
      return String(Math.round(v));
    },
  };
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#393a3d';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.animation = window.matchMedia('(prefers-reduced-motion: reduce)').matches ? false : { duration: 300 };

  function apply(config) {
    var fmt = config.format || {};
    var options = config.options || (config.options = {});
    options.responsive = true;
    options.maintainAspectRatio = false;
    options.scales = options.scales || {};
    Object.keys(fmt).forEach(function (axis) {
      if (axis === 'tooltip') return;
      var f = formats[fmt[axis]];
      if (!f) return;
      options.scales[axis] = options.scales[axis] || {};
      options.scales[axis].ticks = Object.assign({}, options.scales[axis].ticks, {
        callback: function (v) {
          return f(v);
        },
      });
    });
    var tip = formats[fmt.tooltip];
    if (tip) {
      options.plugins = options.plugins || {};
      options.plugins.tooltip = Object.assign({}, options.plugins.tooltip, {
        callbacks: {
          label: function (ctx) {
            var v =
              ctx.parsed && typeof ctx.parsed === 'object'
                ? ctx.parsed.y !== undefined
                  ? ctx.parsed.y
                  : ctx.parsed.x
                : ctx.parsed;
            return (ctx.dataset.label ? ctx.dataset.label + ': ' : '') + tip(v);
          },
        },
      });
    }
    delete config.format;
    return config;
  }

  document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute('data-chart'));
    if (!source) return;
    try {
      new Chart(canvas, apply(JSON.parse(source.textContent)));
    } catch {
      canvas.insertAdjacentHTML(
        'afterend',
        '<p class="muted">This chart could not be drawn; the table below has the same figures.</p>',
      );
    }
  });
})();

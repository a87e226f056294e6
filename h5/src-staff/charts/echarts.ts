/**
 * ECharts with only what 统计 draws (bar charts on a grid, tooltips, a legend, SVG output), from
 * `echarts/core` so the rest of the library stays out of the bundle. Loaded by a dynamic import from
 * BarChart.vue: the console's first load never carries it.
 */
import { init, use } from 'echarts/core'
import { BarChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'

use([BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer])

export { init }

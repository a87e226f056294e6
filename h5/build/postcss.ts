import type { AcceptedPlugin, Declaration, Plugin } from 'postcss'
import pxToViewport from 'postcss-px-to-viewport-8-plugin'

/** The design width: Vant and our styles are written in px for a 375 px wide phone. */
export const DESIGN_WIDTH = 375
/**
 * Widest the layout grows. Past it (PC and iPad WeChat) the page stays a centred column instead of
 * scaling type and spacing with the window. Keep in step with --app-max-width in styles/global.css.
 */
export const MAX_DISPLAY_WIDTH = 480

const VW_TOKEN = /(-?\d*\.?\d+)vw\b/g

/**
 * Caps every vw length that px-to-viewport produced at the size it has at MAX_DISPLAY_WIDTH:
 * `4.26667vw` becomes `min(4.26667vw, 20.48px)` (`max()` for negative lengths). Lengths written in vw
 * by hand (Vant's image preview, for example) are left alone: the `mark` half of the pair runs
 * before the conversion and remembers which declarations already held vw.
 */
function createViewportCap(): { mark: Plugin; cap: Plugin } {
  const authored = new WeakSet<Declaration>()
  return {
    mark: {
      postcssPlugin: 'app-vw-cap-mark',
      Once(root) {
        root.walkDecls((decl) => {
          if (decl.value.includes('vw')) authored.add(decl)
        })
      },
    },
    cap: {
      postcssPlugin: 'app-vw-cap',
      Once(root) {
        root.walkDecls((decl) => {
          if (authored.has(decl) || !decl.value.includes('vw')) return
          decl.value = decl.value.replace(VW_TOKEN, (token, num: string) => {
            const vw = Number.parseFloat(num)
            const px = Math.round(((vw * MAX_DISPLAY_WIDTH) / 100) * 100) / 100
            return vw < 0 ? `max(${token}, ${px}px)` : `min(${token}, ${px}px)`
          })
        })
      },
    },
  }
}

/** The browser's default font size, which 1rem is unless the learner or the webview changed it. */
const ROOT_FONT_PX = 16

/**
 * Type sizes and the bars and controls that hold one line of text: they follow the text size the
 * learner chose (WeChat's 关怀模式, the phone's font size, our 大字模式) instead of the window width.
 */
// Vant's base scale (--van-font-size-md, --van-line-height-sm …) ends in a size suffix; every
// component's type follows it (cells, tab-bar labels), so it must be rem too (issue 28).
const TEXT_SIZED_PROPERTY = /^(font-size|line-height|--van-(.*-)?(font-size|line-height)(-(xs|sm|md|lg|xl))?|--van-.*(-height|icon-size)|--app-.*(font-size|line-height|-height))$/
const PX_TOKEN = /(-?\d*\.?\d+)px\b/g

/**
 * Writes the px of text-sized declarations as rem (16 px = 1rem) before px-to-viewport sees them,
 * so they scale with the user's text size (WCAG 1.4.4; the 适老化 rules ask for scalable text).
 * Everything else (spacing, widths, radii) stays on the viewport scale.
 */
function textSizesToRem(): Plugin {
  return {
    postcssPlugin: 'app-text-sizes-to-rem',
    Once(root) {
      root.walkDecls((decl) => {
        if (!TEXT_SIZED_PROPERTY.test(decl.prop) || !decl.value.includes('px')) return
        decl.value = decl.value.replace(PX_TOKEN, (token, num: string) => {
          const px = Number.parseFloat(num)
          // Hairlines (a 1px border inside a height calc) stay px, as px-to-viewport leaves them.
          if (Math.abs(px) <= 1) return token
          return `${Math.round((px / ROOT_FONT_PX) * 100000) / 100000}rem`
        })
      })
    },
  }
}

export function postcssPlugins(): AcceptedPlugin[] {
  const { mark, cap } = createViewportCap()
  return [
    textSizesToRem(),
    mark,
    // Vant (node_modules) is deliberately not excluded: its px would otherwise stay fixed while ours
    // scale, as Vant's own advanced-usage docs warn.
    pxToViewport({
      unitToConvert: 'px',
      viewportWidth: DESIGN_WIDTH,
      unitPrecision: 5,
      viewportUnit: 'vw',
      fontViewportUnit: 'vw',
      propList: ['*'],
      // Hairlines stay 1px.
      minPixelValue: 1,
      // Opt a single declaration out with /* px-to-viewport-ignore-next */ (the column's max-width).
      mediaQuery: false,
    }),
    cap,
  ]
}

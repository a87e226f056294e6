import { ActionSheet } from 'vant'
import 'vant/es/action-sheet/style'
import { createApp, h, ref } from 'vue'

/** A Vant action sheet as a promise: the chosen index, or null when closed without a choice. */
export function showActionSheet(title: string, actions: Array<{ name: string; subname?: string }>): Promise<number | null> {
  return new Promise((resolve) => {
    const host = document.createElement('div')
    document.body.appendChild(host)
    const show = ref(true)
    let chosen: number | null = null
    const app = createApp({
      render: () =>
        h(ActionSheet, {
          show: show.value,
          title,
          actions,
          cancelText: '取消',
          closeOnClickAction: true,
          'onUpdate:show': (value: boolean) => (show.value = value),
          onSelect: (_action: unknown, index: number) => (chosen = index),
          onClosed: () => {
            app.unmount()
            host.remove()
            resolve(chosen)
          },
        }),
    })
    app.mount(host)
  })
}

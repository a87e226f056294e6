/** Sets the title WeChat shows in its top bar; one place so a product suffix can be added later. */
export function setPageTitle(title: string): void {
  document.title = title
}

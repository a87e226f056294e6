// The renderers, loaded together on first use (see certificate-files.service.ts).
export { certificateArtwork } from './layout.ts'
export { renderPdf } from './pdf.ts'
export { renderPng } from './png.ts'

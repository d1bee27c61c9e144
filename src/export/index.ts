export { renderDocument, renderFiles, type ExportContent, type ExportFile, type ExportHeader } from "./render.ts";
export { slug } from "./file-names.ts";

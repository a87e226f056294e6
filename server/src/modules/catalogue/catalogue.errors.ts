import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

export const ProjectNotFoundError = defineError(ErrorCode.PROJECT_NOT_FOUND, '培训项目不存在或已下架', 404)
/** 导入课程清单 refused: the count, then each problem on its own line (its JSON path and what is wrong). */
export const ContentManifestInvalidError = defineError(ErrorCode.CONTENT_MANIFEST_INVALID, '课程清单有 %s 处问题，未导入任何内容：\n%s', 400)
export const ContentManifestTooLargeError = defineError(ErrorCode.PAYLOAD_TOO_LARGE, '课程清单文件超过 %s MB，请拆分后分批导入', 413)

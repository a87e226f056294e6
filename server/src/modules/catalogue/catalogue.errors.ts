import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

export const ProjectNotFoundError = defineError(ErrorCode.PROJECT_NOT_FOUND, '培训项目不存在或已下架', 404)

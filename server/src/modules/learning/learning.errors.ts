import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

export const NotEnrolledError = defineError(ErrorCode.NOT_ENROLLED, '您尚未购买该培训项目，请先购买后学习', 403)
export const CourseNotFoundError = defineError(ErrorCode.COURSE_NOT_FOUND, '课程不存在', 404)
export const ChapterNotFoundError = defineError(ErrorCode.CHAPTER_NOT_FOUND, '章节不存在', 404)
export const PlaybackNotFoundError = defineError(ErrorCode.PLAYBACK_NOT_FOUND, '播放记录不存在，请重新打开视频', 404)
export const PlaybackSupersededError = defineError(ErrorCode.PLAYBACK_SUPERSEDED, '您已在其他设备播放', 409)
export const QuestionNotPendingError = defineError(ErrorCode.QUESTION_NOT_PENDING, '该题目已作答或已失效，请继续学习', 409)
export const AnswerTooFastError = defineError(ErrorCode.ANSWER_TOO_FAST, '请认真阅读题目后再作答', 429)
export const PlaybackOpenConflictError = defineError(ErrorCode.PLAYBACK_OPEN_CONFLICT, '视频正在其他页面打开，请稍后重试', 409)
export const PlaybackOpenedTooOftenError = defineError(ErrorCode.PLAYBACK_OPENED_TOO_OFTEN, '打开视频过于频繁，请稍等一分钟后再试', 429)

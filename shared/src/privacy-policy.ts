/**
 * 隐私政策: the project's own text, in one versioned place. The H5 shows it at /privacy; 注册 and
 * the consent page ask agreement to PRIVACY_POLICY_VERSION. Changing what is collected, why, who
 * receives it or how long it is kept means a new version: every account is then asked again at its
 * next sign-in (the server answers 403 CONSENT_REQUIRED until it agrees). See docs/security.md.
 */
export const PRIVACY_POLICY_VERSION = '2026-12-05.2'

/** The two consents each version asks for: the policy, and the separate one for the ID number (PIPL art. 29). */
export const CONSENT_KINDS = ['policy', 'sensitive_id'] as const
export type ConsentKind = (typeof CONSENT_KINDS)[number]

/** What the server answers (CONSENT_MISSING) and 注册 and the consent page say before sending, when a consent is not ticked. */
export const CONSENT_MISSING_MESSAGE = '请阅读并勾选同意《隐私政策》，并单独同意处理您的身份证号（敏感个人信息）'

export interface PrivacyPolicySection {
  title: string
  paragraphs: readonly string[]
}

export const PRIVACY_POLICY_TITLE = '隐私政策'

export const PRIVACY_POLICY_SECTIONS: readonly PrivacyPolicySection[] = [
  {
    title: '一、适用范围',
    paragraphs: [
      '本政策说明重庆专业技术人员继续教育平台（以下简称“本平台”）在您注册、登录、购买学习计划、学习、获取证书和开具发票时如何收集、使用、提供、保存和保护您的个人信息，以及您享有的权利。',
    ],
  },
  {
    title: '二、我们收集哪些信息、为什么收集',
    paragraphs: [
      '姓名：用于识别学员身份，并印在学时证书和发票上。',
      '身份证号（敏感个人信息）：作为登录用户名和学员唯一身份，用于确认一人一个账号、单位团体购买时核对学员、学时登记和证书核验。身份证号属于敏感个人信息，我们仅在您单独同意后处理，数据库中加密保存，页面上仅显示部分号码。',
      '手机号：用于注册和找回密码时接收短信验证码、作为登录账号。',
      '单位：用于单位团体购买、开具单位抬头的发票。',
      '学习记录（观看进度、学时、考核结果）：用于计算学时、判断是否完成学习计划并出具证书。',
      '订单与发票信息（金额、支付时间、发票抬头、税号、接收发票的邮箱或手机号）：用于完成支付、退款和开具电子发票，并依法保存会计资料。',
      '微信 openid：您使用微信登录或绑定微信时，用于识别您的微信身份，使您无需输入密码即可登录，并用于微信支付。',
    ],
  },
  {
    title: '三、我们向谁提供您的信息',
    paragraphs: [
      '微信（深圳市腾讯计算机系统有限公司）与财付通（财付通支付科技有限公司）：微信登录时取得您的 openid；微信支付时提供订单号、金额和 openid，用于完成支付和退款。',
      '短信服务商：发送验证码和初始密码时提供您的手机号和短信内容。',
      '诺诺电子发票服务商（浙江爱信诺航天信息有限公司）：开具电子发票时提供发票抬头、税号、金额，以及您填写的接收邮箱或手机号。',
      '培训中心（继续教育主管单位）：为登记学时、核发和核验证书，提供您的姓名、身份证号、单位和学时记录。',
      '除上述情形及法律法规要求外，我们不会向其他任何人提供您的个人信息。',
    ],
  },
  {
    title: '四、保存期限',
    paragraphs: [
      '账号信息（姓名、身份证号、手机号、单位、微信绑定）在账号存续期间保存；注销账号时立即删除或匿名化处理：登录用的身份证号和手机号被清除（您日后可以用同一身份证号重新注册），姓名改为“已注销用户”，微信绑定解除，保存的发票抬头删除，所有设备退出登录。',
      '学习记录和已出具的学时证书：作为继续教育学时的凭证，自证书出具之日起保存 30 年，以便您和培训中心日后核验。证书上印有的姓名和身份证号随证书单独保存（加密），注销账号后证书仍可在“证书验证”中核验。',
      '订单、支付记录和发票：按照《会计档案管理办法》保存 30 年（会计凭证和账簿），发票存根按《发票管理办法》至少保存 5 年；注销账号后这些记录继续保存，但不再与可登录的账号关联。',
      '您对本政策的同意记录（版本和时间）：作为依法取得同意的证明，注销账号后继续保存，与订单记录期限相同。',
      '短信验证码只保存不可逆的摘要，5 分钟内有效，使用或过期后即作废。',
    ],
  },
  {
    title: '五、我们如何保护您的信息',
    paragraphs: [
      '身份证号和手机号在数据库中以 AES-256-GCM 加密保存，密钥与数据分开保管；传输全程使用 HTTPS；页面和日志中不显示完整的身份证号和手机号；工作人员按职责最小授权访问，操作留有记录。',
    ],
  },
  {
    title: '六、您的权利',
    paragraphs: [
      '查阅、复制：您可以在“我的 → 我的个人信息”中查看我们保存的您的账号信息（身份证号和手机号默认脱敏显示，可点击显示完整号码）、订单、学习记录、证书、发票和同意记录，并下载为 Excel 文件。',
      '更正：信息有误时，您可以修改手机号和密码，或联系我们更正姓名、身份证号。',
      '删除、注销：您可以在“我的 → 我的个人信息 → 注销账号”中输入密码后自行注销账号。没有未支付的订单、正在开具的发票或正在处理的退款时立即注销；否则页面会说明原因，待处理完成后可再次注销，或通过第七条的方式联系我们办理。注销后我们按第四条删除或匿名化您的个人信息，依法须保存的证书、订单、发票和同意记录按第四条期限保存。',
      '撤回同意：您可以撤回同意，撤回不影响撤回前基于同意已进行的处理；撤回后我们将无法继续为您提供需要相关信息的服务。',
    ],
  },
  {
    title: '七、联系我们',
    paragraphs: [
      '如对本政策或您的个人信息有任何疑问、意见，或要行使上述权利，请拨打账号咨询热线 400-023-9229（接通后按 1），或通过“咨询方式”页面的在线客服联系我们。我们将在核实您的身份后 15 个工作日内答复。',
    ],
  },
  {
    title: '八、政策更新',
    paragraphs: [
      '本政策更新时，我们将在您下次登录时展示新版本并再次征得您的同意。',
    ],
  },
]

/** What 注销账号 removes, as the confirmation dialog lists it (section 四 of the policy says the same). */
export const ACCOUNT_CLOSURE_REMOVED: readonly string[] = [
  '登录用的身份证号和手机号（清除后无法再用它们登录，日后可用同一身份证号重新注册）',
  '姓名（改为“已注销用户”）',
  '密码和所有设备的登录状态',
  '微信绑定',
  '保存的发票抬头',
]

/** What 注销账号 keeps, and why (section 四 of the policy). */
export const ACCOUNT_CLOSURE_KEPT: readonly { what: string; why: string }[] = [
  { what: '已出具的学时证书（含证书上的姓名和身份证号）及学习记录', why: '继续教育学时凭证，保存 30 年，供您和培训中心核验' },
  { what: '订单、支付记录和发票', why: '《会计档案管理办法》要求保存 30 年' },
  { what: '您对隐私政策的同意记录', why: '依法取得同意的证明' },
]

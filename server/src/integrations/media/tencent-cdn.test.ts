import { describe, expect, it } from 'vitest'
import { tencentTypeAUrl, tencentTypeCUrl } from './tencent-cdn.ts'

// The worked examples of Tencent's pages (EdgeOne token authentication, Methods A and C, the same
// formulas as Tencent Cloud CDN's TypeA and TypeC): key DvYmqE81E1F9R791H6lmht, path /foo.jpg.
const KEY = 'DvYmqE81E1F9R791H6lmht'

describe('Tencent Cloud CDN URL authentication', () => {
  it('TypeA: ?sign=timestamp-rand-uid-md5(path-timestamp-rand-uid-key)', () => {
    const url = tencentTypeAUrl({ baseUrl: 'https://www.example.com', path: '/foo.jpg', key: KEY, timestamp: 1721028437, rand: 'Kv4cPTAAP5YTi', signParam: 'sign' })
    expect(url).toBe('https://www.example.com/foo.jpg?sign=1721028437-Kv4cPTAAP5YTi-0-0fbdca749d7ab784750685347e42075c')
  })

  it('TypeA with the parameter name the console was given', () => {
    const url = tencentTypeAUrl({ baseUrl: 'https://v.example.cn', path: '/media/a.mp4', key: KEY, timestamp: 1721028437, rand: 'r', signParam: 'auth_key' })
    expect(url).toMatch(/^https:\/\/v\.example\.cn\/media\/a\.mp4\?auth_key=1721028437-r-0-[0-9a-f]{32}$/)
  })

  it('TypeC: /md5(key + path + hex timestamp)/hex timestamp/path', () => {
    // 2024-07-15 15:43:06 (UTC+8) = 1721029386 = 0x6694d30a
    const url = tencentTypeCUrl({ baseUrl: 'https://www.example.com', path: '/foo.jpg', key: KEY, timestamp: 0x6694d30a })
    expect(url).toBe('https://www.example.com/6688749e8906a726c12fe1be3aacd016/6694d30a/foo.jpg')
  })
})

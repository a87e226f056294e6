import { describe, expect, it } from 'vitest'
import {
  formatBeijingTime,
  formatCountdown,
  msUntilExpiry,
  ordersInTab,
  orderTimeLines,
  payPageStage,
} from './order-display.ts'

describe('formatBeijingTime', () => {
  it('shows UTC timestamps in Beijing time (UTC+8)', () => {
    expect(formatBeijingTime('2025-03-08T06:05:00.000Z')).toBe('2025-03-08 14:05')
    expect(formatBeijingTime('2025-03-08T14:05:00+08:00')).toBe('2025-03-08 14:05')
  })

  it('rolls over the date, month and year at Beijing midnight', () => {
    expect(formatBeijingTime('2024-12-31T16:00:00Z')).toBe('2025-01-01 00:00')
    expect(formatBeijingTime('2025-02-28T15:59:59Z')).toBe('2025-02-28 23:59')
  })

  it('gives an empty string for a missing or unreadable time', () => {
    expect(formatBeijingTime(null)).toBe('')
    expect(formatBeijingTime('not a date')).toBe('')
  })
})

describe('formatCountdown', () => {
  it('rounds up to whole seconds as mm:ss, with hours when needed', () => {
    expect(formatCountdown(30 * 60_000)).toBe('30:00')
    expect(formatCountdown(90_500)).toBe('01:31')
    expect(formatCountdown(999)).toBe('00:01')
    expect(formatCountdown(3_600_000)).toBe('1:00:00')
  })

  it('never goes below zero', () => {
    expect(formatCountdown(0)).toBe('00:00')
    expect(formatCountdown(-5_000)).toBe('00:00')
  })
})

describe('msUntilExpiry', () => {
  it('counts down to expiresAt and stops at zero', () => {
    const order = { expiresAt: '2025-03-08T06:35:00Z' }
    expect(msUntilExpiry(order, Date.parse('2025-03-08T06:05:00Z'))).toBe(30 * 60_000)
    expect(msUntilExpiry(order, Date.parse('2025-03-08T07:00:00Z'))).toBe(0)
  })
})

describe('orderTimeLines', () => {
  it('lists only the times that happened, in Beijing time', () => {
    const lines = orderTimeLines({ createdAt: '2025-03-08T06:05:00Z', paidAt: '2025-03-08T06:06:00Z', closedAt: null, refundedAt: null })
    expect(lines).toEqual([
      { label: '下单时间', value: '2025-03-08 14:05' },
      { label: '支付时间', value: '2025-03-08 14:06' },
    ])
  })
})

describe('ordersInTab', () => {
  const orders = [{ status: 'pending' }, { status: 'paid' }, { status: 'closed' }, { status: 'refunding' }, { status: 'refunded' }] as const
  it('filters by status, with refunds in progress under 已退款', () => {
    expect(ordersInTab(orders, 'all')).toHaveLength(5)
    expect(ordersInTab(orders, 'pending')).toEqual([{ status: 'pending' }])
    expect(ordersInTab(orders, 'refunded')).toEqual([{ status: 'refunding' }, { status: 'refunded' }])
  })
})

describe('payPageStage', () => {
  const now = Date.parse('2025-03-08T06:10:00Z')
  const open = { status: 'pending', expiresAt: '2025-03-08T06:35:00Z' } as const
  it('follows the server: paid is paid whatever the page is doing', () => {
    expect(payPageStage({ ...open, status: 'paid' }, 'confirming', now)).toBe('paid')
    expect(payPageStage({ ...open, status: 'closed' }, 'idle', now)).toBe('closed')
    expect(payPageStage({ ...open, status: 'refunded' }, 'idle', now)).toBe('refunded')
  })

  it('shows progress, the unconfirmed wait, and the open-in-WeChat notice for an unpaid order', () => {
    expect(payPageStage(open, 'paying', now)).toBe('busy')
    expect(payPageStage(open, 'confirming', now)).toBe('busy')
    expect(payPageStage(open, 'unconfirmed', now)).toBe('unconfirmed')
    expect(payPageStage(open, 'open-in-wechat', now)).toBe('open-in-wechat')
    expect(payPageStage(open, 'idle', now)).toBe('pending')
  })

  it('shows an unpaid order past its expiry as closed', () => {
    expect(payPageStage(open, 'idle', Date.parse('2025-03-08T06:36:00Z'))).toBe('closed')
  })
})

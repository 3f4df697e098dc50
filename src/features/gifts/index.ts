/** @module Gifts: months of OnePass bought for someone, paid once through Checkout, redeemed by a link as a `gift` membership. */
export { type BuyGiftInput, buyGift, type GiftView, listBoughtGifts } from './buy';
export { redeemUrl } from './links';
export { type GiftMetrics, giftMetrics } from './metrics';
export { giftPages } from './pages';
export { type GiftPreview, previewGift, redeemGift } from './redeem';
export { giftRoutes } from './routes';
export { isGiftSession, onGiftPaid, onGiftRefunded } from './webhook';

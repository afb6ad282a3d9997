/** The Korean words for how the room's media travels, part of `ko`. */
import type { Messages } from './en.ts';

export const topology: Messages['topology'] = {
  meshBadge: '직접 연결',
  meshLabel: '이 통화의 영상과 소리는 브라우저끼리 직접 주고받아요',
  sfuBadge: '서버 경유',
  sfuLabel: '이 통화의 영상과 소리는 미디어 서버를 거쳐요',
  layerReceived: '받는 화질',
  layerDirect: (size) => `${size} (원본, 직접)`,
  layerLow: (size) => `${size} (낮은 화질 요청)`,
  layerMedium: (size) => `${size} (중간 화질 요청)`,
  layerHigh: (size) => `${size} (높은 화질 요청)`,
  sfuVerificationCode: '미디어 서버 연결 코드',
  sfuLegend:
    '연결 방식: host = 같은 네트워크에서 직접, srflx/prflx = 공유기를 거쳐 직접, relay = TURN 서버로 중계. 미디어 서버를 거칠 때 이 코드는 각 사람이 아니라 그 서버와의 연결만 확인해요.',
};

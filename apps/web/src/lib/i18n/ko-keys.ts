/** The Korean words of keyboard shortcuts and of the connection quality on each tile, part of `ko`. */
import type { Messages } from './en.ts';

export const shortcuts: Messages['shortcuts'] = {
  heading: '키보드 단축키',
  open: '키보드 단축키',
  close: '닫기',
  hint: '입력란에 글을 쓰는 중에는 단축키가 동작하지 않아요.',
  talking: '말하는 중이에요. 스페이스바에서 손을 떼면 다시 음소거돼요.',
  keys: {
    talk: '스페이스바',
    microphone: 'M',
    camera: 'V',
    chat: 'C',
    help: '?',
    hand: 'Ctrl+Alt+H',
    close: 'Esc',
  },
  actions: {
    talk: '음소거 중에 누르고 있는 동안 말하기',
    microphone: '마이크 켜기/끄기',
    camera: '카메라 켜기/끄기',
    chat: '채팅 입력창으로 이동',
    help: '단축키 목록 보기',
    hand: '손 들기/내리기',
    close: '대화상자나 패널 닫기',
  },
};

export const quality: Messages['quality'] = {
  label: (level) => `연결 상태: ${level}`,
  levels: {
    good: '좋음',
    fair: '보통',
    poor: '나쁨',
  },
};

/**
 * Korean. Written as Korean apps write (polite 해요체 in sentences, short noun or -기 forms on
 * buttons), not word for word from English. A person is named with 님, which also keeps the
 * particle after it right whatever the name ends in.
 */
import type { ErrorCode } from '@app/protocol';
import type { MediaDevice, Messages } from './en.ts';
import { quality, shortcuts } from './ko-keys.ts';
import { topology } from './ko-topology.ts';

const deviceWords: Record<MediaDevice, string> = {
  camera: '카메라',
  microphone: '마이크',
  both: '카메라와 마이크',
};

const errors: Record<ErrorCode, string> = {
  'bad-message': '요청을 처리할 수 없어요. 페이지를 새로고침한 뒤 다시 시도하세요.',
  'not-joined': '먼저 방에 참여해야 해요.',
  'already-joined': '이미 다른 방에 참여하고 있어요. 그 방에서 나온 뒤 참여하세요.',
  'room-full': '방이 꽉 찼어요. 누군가 나갈 때까지 기다리거나 새 방을 만드세요.',
  'wrong-password': '비밀번호가 맞지 않아요. 링크를 공유한 사람에게 확인하세요.',
  'unknown-peer': '그 사람은 이제 방에 없어요.',
  'rate-limited': '메시지를 너무 빨리 보내고 있어요. 잠시 후 다시 시도하세요.',
  'too-many-attempts': '비밀번호를 너무 여러 번 틀렸어요. 잠시 후 다시 시도하세요.',
};

const honour = (name: string) => `${name}님`;

export const ko: Messages = {
  app: {
    title: 'Callroom · 링크로 하는 영상 통화',
    invalidRoom: (room) =>
      `사용할 수 없는 방 이름이에요: “${room}”. 방 이름은 영문자, 숫자, “-”, “_”로 1~64자여야 해요. 링크를 확인하거나 새 방을 만드세요.`,
    notFound: '페이지를 찾을 수 없어요',
    goHome: '처음 화면으로 가기',
    leftCall: '통화에서 나왔어요. 카메라와 마이크가 꺼졌어요.',
    callScreenFailed:
      '통화 화면을 불러오지 못했어요. 연결 상태를 확인하세요. 다시 연결되면 페이지가 저절로 새로고침되고, 지금 직접 새로고침해도 돼요.',
    roomPageFailed:
      '이 방을 열지 못했어요. 연결 상태를 확인하세요. 다시 연결되면 페이지가 저절로 새로고침되고, 지금 직접 새로고침해도 돼요.',
  },

  language: {
    label: '언어',
  },

  update: {
    ready: 'Callroom 새 버전이 준비됐어요.',
    reload: '새로고침',
    notNow: '나중에',
  },

  landing: {
    heading: '링크 하나로, 바로 얼굴 보고 이야기해요',
    lead: (capacity) =>
      `브라우저에서 바로 최대 ${capacity}명까지 영상 통화를 할 수 있어요. 계정도 앱 설치도 필요 없어요. 영상, 소리, 채팅, 사진, 파일은 브라우저끼리 직접 주고받아요.`,
    offline:
      '오프라인 상태예요. Callroom은 이 기기에서 열렸지만 통화하려면 네트워크가 필요해요. 인터넷에 연결한 뒤 방을 만들거나 참여하세요.',
    serverUnreachable:
      'Callroom 서버에 연결할 수 없어요. 통화하려면 서버가 필요해요. 연결 상태를 확인한 뒤 다시 시도하세요.',
    createRoom: '방 만들기',
    or: '또는',
    room: '방 이름',
    roomPlaceholder: '예: team-standup',
    join: '참여하기',
    roomEmpty: '방 이름을 입력하세요. 새 방을 열려면 방 만들기를 누르세요.',
    roomInvalid: '방 이름이 올바르지 않아요. 영문자, 숫자, "-", "_"로 1~64자를 입력하세요(띄어쓰기 없이).',
    stillUnreachable:
      '아직 서버에 연결할 수 없어요. 연결 상태를 확인한 뒤 방 만들기나 참여하기를 다시 누르세요.',
    needsNetwork: '통화하려면 네트워크가 필요해요. 인터넷에 연결한 뒤 방 만들기나 참여하기를 다시 누르세요.',
    recent: '최근 참여한 방',
  },

  prejoin: {
    heading: '참여할 준비가 됐나요?',
    room: '방',
    yourName: '이름',
    nameMissing: (max) => `다른 사람들이 알아볼 수 있게 이름(최대 ${max}자)을 입력한 뒤 참여하기를 누르세요.`,
    password: '방 비밀번호(선택)',
    passwordHint: '방에 처음 들어온 사람이 비밀번호를 정해요. 그다음부터는 같은 비밀번호를 입력해야 해요.',
    join: '참여하기',
    joining: '참여하는 중…',
    checkConnection: '연결 확인',
    checkingConnection: '연결 확인 중…',
    offline: '오프라인 상태예요. 통화하려면 네트워크가 필요해요. 다시 연결되면 참여할 수 있어요.',
    serverWaiting: (status) => `${status} 아직 서버에 연결할 수 없어요. 계속 다시 시도하고 있어요.`,
    inputLevel: '입력 음량',
  },

  devices: {
    heading: '설정',
    camera: '카메라',
    microphone: '마이크',
    resolution: '해상도',
    effect: '영상 효과',
    noCamera: '카메라 없음',
    noMicrophone: '마이크 없음',
    sound: '오디오',
    echoCancellation: '에코 제거',
    noiseSuppression: '소음 제거',
    autoGainControl: '마이크 볼륨 자동 조정',
    soundRefused: '통화 중에는 브라우저가 이 설정을 바꾸지 못했어요. 다음에 마이크를 켤 때 적용돼요.',
    effects: {
      None: '없음',
      Grayscale: '흑백',
      Sepia: '세피아',
      Mirror: '좌우 반전',
    },
  },

  connection: {
    directWorks: '같은 네트워크 안에서 직접 연결: 돼요.',
    directUnavailable: '같은 네트워크 안에서 직접 연결: 안 돼요(브라우저가 로컬 주소를 알려 주지 않았어요).',
    stunMissing: '공유기를 거친 연결(STUN): 이 서비스에는 STUN 서버가 설정되어 있지 않아요.',
    stunWorks: '공유기를 거친 연결(STUN): 돼요.',
    stunNoAnswer: '공유기를 거친 연결(STUN): 응답이 없어요. 통화에 중계 서버가 필요할 수 있어요.',
    turnMissing: '중계(TURN): 이 서비스에는 중계 서버가 설정되어 있지 않아요.',
    turnWorks: '중계(TURN): 돼요. 방화벽이 엄격한 곳에서도 통화가 연결돼요.',
    turnUnreachable:
      '중계(TURN): 연결할 수 없어요. 방화벽이 엄격한 곳에서는 통화가 안 될 수 있으니 다른 네트워크로 시도해 보세요.',
    serverUnreachable: '서버에 연결할 수 없어요. 인터넷 연결을 확인한 뒤 다시 시도하세요.',
  },

  media: {
    problem: (device, problem) => {
      const what = deviceWords[device];
      switch (problem) {
        case 'denied':
          return `이 사이트에서 ${what} 사용이 차단되어 있어요. 주소창의 아이콘을 눌러 사이트 설정에서 ${what}를 허용한 뒤 페이지를 새로고침하세요.`;
        case 'missing':
          return `${what}를 찾을 수 없어요. ${what}를 연결한 뒤 페이지를 새로고침하세요.`;
        case 'busy':
          return `다른 앱에서 ${what}를 사용하고 있어요. 그 앱을 닫은 뒤 페이지를 새로고침하세요.`;
        case 'other':
          return `${what}를 켜지 못했어요. 제대로 연결되어 있는지 확인한 뒤 페이지를 새로고침하세요.`;
      }
    },
    stillPossible: (device, isInCall) => {
      switch (device) {
        case 'both':
          return isInCall ? '보고 듣는 건 계속할 수 있어요.' : '보고 듣기만 하면서 참여할 수는 있어요.';
        case 'camera':
          return isInCall
            ? '다른 사람들에게 목소리는 들리지만 모습은 보이지 않아요.'
            : '음성으로만 참여할 수는 있어요.';
        case 'microphone':
          return isInCall
            ? '다른 사람들에게 모습은 보이지만 목소리는 들리지 않아요.'
            : '소리 없이 참여할 수는 있어요.';
      }
    },
  },

  refusal: {
    roomFull: '방이 꽉 찼어요. 누군가 나가면 다시 시도하거나, 처음 화면에서 새 방을 만드세요.',
    wrongPassword: '비밀번호가 맞지 않아요. 링크를 공유한 사람에게 비밀번호를 확인한 뒤 다시 시도하세요.',
    passwordNeeded: '비밀번호가 있는 방이에요. 아래에 방 비밀번호를 입력하고 참여하기를 누르세요.',
    tooManyAttempts: (seconds) =>
      `이 네트워크에서 이 방의 비밀번호를 너무 여러 번 틀렸어요. 링크를 공유한 사람에게 비밀번호를 확인한 뒤 ${seconds < 60 ? `${seconds}초` : `${Math.ceil(seconds / 60)}분`} 후에 다시 참여하기를 누르세요.`,
    other: errors,
  },

  call: {
    count: (count, capacity) => `${count}/${capacity}명`,
    reconnecting: '다시 연결하는 중…',
    recovering: '연결이 끊겨 복구하는 중',
    peerFailed: (name) =>
      `${name === null ? '상대방' : honour(name)}과의 연결이 끊겼어요. 네트워크를 확인하고, 계속 안 되면 나갔다가 다시 참여하세요.`,
    someoneNamed: '참여자',
    entered: (names) =>
      names.length === 0
        ? '참여했어요. 아직 다른 사람은 없어요.'
        : `참여했어요. ${names.map(honour).join(', ')}이 함께 있어요.`,
    joined: (name) => `${honour(name)}이 참여했어요.`,
    left: (name) => `${honour(name)}이 나갔어요.`,
    copyLink: '링크 복사',
    linkCopied: '링크를 복사했어요. 함께 이야기할 사람에게 보내세요.',
    copyThisLink: (link) => `이 링크를 복사하세요: ${link}`,
    stats: '통계',
  },

  controls: {
    group: '통화 도구',
    microphone: '마이크',
    microphoneOff: '마이크 끄기',
    microphoneOn: '마이크 켜기',
    camera: '카메라',
    cameraOff: '카메라 끄기',
    cameraOn: '카메라 켜기',
    shareScreen: '화면 공유',
    stopSharing: '공유 중지',
    takePhoto: '사진 찍기',
    sendFile: '파일 보내기',
    settings: '설정',
    hangUp: '나가기',
  },

  hands: {
    raiseHand: '손 들기',
    raiseTitle: '손 들기 (Ctrl+Alt+H)',
    lowerTitle: '손 내리기 (Ctrl+Alt+H)',
    raisedHand: '손 든 사람',
    queuePosition: (position, count) => `손 든 순서: ${count}명 중 ${position}번째`,
    raised: (name) => `${honour(name)}이 손을 들었어요.`,
    lowered: (name) => `${honour(name)}이 손을 내렸어요.`,
    react: '반응',
    reactions: '반응 보내기',
    names: {
      '👍': '좋아요',
      '❤️': '하트',
      '😂': '웃음',
      '😮': '놀람',
      '👏': '박수',
      '🎉': '축하',
    },
    reactedWith: (name, reaction) => `${honour(name)}의 반응: ${reaction}`,
  },

  room: {
    qrCode: 'QR 코드',
    qrTitle: '방 링크를 QR 코드로 보기',
    qrGroup: '방 QR 코드',
    qrAlt: (url) => `방 링크 ${url}의 QR 코드`,
    loopbackHint:
      '이 주소는 이 컴퓨터에서만 열려요. 휴대폰으로 참여하려면 터미널에 표시된 네트워크 주소 중 하나로 앱을 연 뒤(LAN 모드) 이 코드를 다시 띄우세요.',
    scanHint: '휴대폰 카메라로 스캔하면 다른 기기에서 참여할 수 있어요.',
    share: '공유',
    shareTitle: '방 링크 공유',
    shareSubject: (room) => `통화: ${room}`,
    shareText: (room) => `내 통화 "${room}"에 참여하세요`,
    switchCamera: '카메라 전환',
    switchTo: (camera) => `다음 카메라로 전환: ${camera}`,
    tapForSound: '탭해서 소리 켜기',
  },

  tile: {
    you: '나',
    yourself: (name) => `${name} (나)`,
    microphoneOff: '마이크 꺼짐',
    cameraOff: '카메라 꺼짐',
    connecting: '연결 중…',
    recovering: '복구 중…',
    verification: (name) =>
      `보안 코드: ${honour(name)}과 비교해 보세요. 두 사람에게 같은 코드가 보이면 중간에서 엿듣는 사람이 없어요.`,
  },

  chat: {
    region: '채팅',
    history: '채팅 기록',
    clearHistory: '기록 지우기',
    clearHistoryTitle: '이 브라우저에 저장된 이 방의 메시지와 사진을 지워요',
    empty: '여기서 보내는 메시지는 통화 중인 모두에게 브라우저끼리 직접 전달돼요.',
    message: '메시지',
    placeholder: '메시지 입력',
    send: '보내기',
    sendTitle: '보내기 (Enter)',
    yourPhoto: '내가 찍은 사진',
    photoFrom: (name) => `${honour(name)}이 보낸 사진`,
    downloadPhoto: '사진 저장',
  },

  sharing: {
    nobodyHere: '아직 통화에 다른 사람이 없어요. 링크를 공유한 뒤 파일을 보내세요.',
    cameraOff: '사진을 찍으려면 카메라를 켜세요.',
    photoFailed: '사진을 찍지 못했어요. 카메라 화면이 나오는지 확인한 뒤 다시 시도하세요.',
    screenNotAllowed:
      '화면 공유가 허용되지 않았어요. 화면 공유를 다시 눌러 공유할 화면을 고르거나, 시스템 설정에서 이 브라우저의 화면 녹화를 허용하세요.',
    screenUnsupported:
      '이 브라우저에서는 화면을 공유할 수 없어요. Chrome, Edge, Firefox 같은 데스크톱 브라우저를 사용해 보세요.',
    sharingScreen: '화면을 공유하고 있어요. 모두에게 카메라 대신 내 화면이 보여요.',
    sendTo: '파일 받을 사람',
    everyone: '모두에게',
    close: '닫기',
    dismiss: '닫기',
    dropHere: '여기에 놓으면 통화 중인 모두에게 보내요',
  },

  topology,

  files: {
    region: '파일 전송',
    heading: '파일',
    to: (name) => `${honour(name)}에게`,
    from: (name) => `${honour(name)}이 보냄`,
    sending: (file) => `${file} 보내는 중`,
    receiving: (file) => `${file} 받는 중`,
    accept: (file) => `${file} 받기`,
    decline: (file) => `${file} 거절`,
    cancel: '취소',
    cancelFile: (file) => `${file} 전송 취소`,
    dismiss: '닫기',
    dismissFile: (file) => `${file} 닫기`,
    waitingFor: (name) => `${honour(name)}이 받기를 기다리는 중…`,
    offered: (name) => `${honour(name)}이 이 파일을 보내려고 해요.`,
    starting: '시작하는 중…',
    checking: '파일을 확인하는 중…',
    sent: (name) => `${honour(name)}에게 보냈어요. 파일이 손상 없이 전달됐어요.`,
    received: '받은 파일을 확인했어요. 다운로드 폴더에 있어요.',
    declined: (name) => `${honour(name)}이 파일을 거절했어요.`,
    cancelledByPeer: (name) => `${honour(name)}이 전송을 취소했어요.`,
    cancelledByYou: '전송을 취소했어요.',
    damagedThere: (name) =>
      `파일이 ${honour(name)}에게 손상된 채 도착해 저장되지 않았어요. 다시 보내 보세요.`,
    damagedHere: '파일이 손상된 채 도착해(체크섬 불일치) 저장하지 않았어요. 다시 보내 달라고 하세요.',
    tooLargeSent: '알린 크기보다 많은 데이터가 전송되어 전송을 중단했어요.',
    tooLargeReceived: '보낸 사람이 알린 크기보다 많이 보내서 전송을 중단했어요. 아무것도 저장하지 않았어요.',
    broke: '전송이 중간에 끊겼어요. 연결을 확인한 뒤 다시 시도하세요.',
    sendingNow: '보내는 중',
    receivingNow: '받는 중',
    paused: (name) => `일시 중지됨, ${honour(name)}을 기다리는 중…`,
    checkingSameFile: '같은 파일인지 확인하는 중…',
    chooseAgain: (file) => `${file} 다시 선택`,
    chooseAgainAfterReload: (file, name) =>
      `${honour(name)}에게 보내는 중에 페이지를 새로 고쳤어요. 이어서 보내려면 ${file} 파일을 다시 선택하세요.`,
    wrongFile: (file, size) => `${file}(${size}) 파일이 아니에요. 이어서 보내려면 같은 파일을 선택하세요.`,
    differentFile: (file, name) =>
      `${honour(name)}이 받고 있던 파일과 달라요. 이어서 보내려면 원래 파일 ${file}을 선택하세요.`,
    estimating: '남은 시간 계산 중…',
    lessThanASecond: '1초 안에 끝나요',
    timeLeft: (duration) => `${duration} 남음`,
  },

  shortcuts,
  quality,

  stats: {
    region: '통화 통계',
    heading: '통계',
    empty: '다른 사람이 참여하면 통계가 나타나요.',
    forPeer: (name) => `${honour(name)}의 통계`,
    bitrateIn: '수신 비트레이트',
    bitrateOut: '송신 비트레이트',
    roundTrip: '왕복 시간',
    packetLoss: '패킷 손실',
    codec: '코덱',
    resolution: '해상도',
    frameRate: '프레임 속도',
    // Video apps in Korea keep the unit symbol.
    framesPerSecond: (count) => `${count}fps`,
    connection: '연결 방식',
    setupTime: '연결 소요 시간',
    verificationCode: '보안 코드',
    droppedMessages: '무시한 메시지',
    legend:
      '연결 방식: host = 같은 네트워크에서 직접, srflx/prflx = 공유기를 거쳐 직접, relay = TURN 서버로 중계. 보안 코드를 소리 내어 서로 비교해 보세요. 양쪽 코드가 같으면 중간에 끼어든 사람이 없어요.',
  },
};

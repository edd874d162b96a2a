// The words of "answer as a list" and the whole-grid changes
// (answer-list.js), loaded with it: a part most visits never open costs
// the first load nothing.
export const ko = {
  'list.lead': '시간마다 한 줄이에요. 되는 시간에 \'가능\'이나 \'필요하면\'을 체크하세요. 체크하면 바로 저장돼요.',
  'list.time': '시간',
  'list.who': '올 수 있는 사람',
  'list.ok': '가능',
  'list.ifn': '필요하면',
  'list.nobody': '아직 없음',
  'list.count': '{n}명 올 수 있어요',
  'list.count.one': '1명 올 수 있어요',
  'list.ifnName': '{name} (필요하면)',
  'list.mine': '내 답: {lv}',
  'list.box': '{lv}: {time} — {count}, {mine}',
  'me.allDone': '모든 칸을 가능으로 칠했어요. 안 되는 시간을 눌러 지우세요.',
  'me.invertDone': '칠한 칸을 뒤집었어요.',
  'me.nothing': '바꿀 칸이 없어요.',
};

export const en = {
  'list.lead': 'One row per time. Tick \'available\' or \'if needed\' where you can come; each tick is saved at once.',
  'list.time': 'Time',
  'list.who': 'Who can come',
  'list.ok': 'Available',
  'list.ifn': 'If needed',
  'list.nobody': 'Nobody yet',
  'list.count': '{n} can come',
  'list.count.one': '1 can come',
  'list.ifnName': '{name} (if needed)',
  'list.mine': 'my answer: {lv}',
  'list.box': '{lv}: {time} — {count}, {mine}',
  'me.allDone': 'Every time is marked available. Tap the times you are busy to erase them.',
  'me.invertDone': 'Your answers were inverted.',
  'me.nothing': 'Nothing to change.',
};

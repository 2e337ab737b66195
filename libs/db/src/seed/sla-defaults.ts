import type { AlertType, Priority, SlaPolicyView } from '@xueliang/contracts';

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

/** A seeded SLA policy: the policy view without the row's id and update time. */
export type SlaDefault = Omit<SlaPolicyView, 'id' | 'updatedAt'>;

type Stages = [number | null, number | null, number | null, number | null, number | null];

/** Live video alerts are minutes, not days (DOMAIN.md); police on scene in town within 5 minutes. */
const VIDEO: Record<Priority, Stages> = {
  high: [2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 2 * HOUR],
  medium: [5 * MIN, 15 * MIN, 30 * MIN, HOUR, 8 * HOUR],
  low: [15 * MIN, HOUR, 2 * HOUR, 4 * HOUR, DAY],
};
/** Disputes by risk: high intervene within 1 day, medium resolve within 3 days, low within 7. */
const CASE: Record<Priority, Stages> = {
  high: [HOUR, 4 * HOUR, 8 * HOUR, DAY, 3 * DAY],
  medium: [4 * HOUR, DAY, 2 * DAY, 3 * DAY, 3 * DAY],
  low: [DAY, 2 * DAY, 3 * DAY, 5 * DAY, 7 * DAY],
};
/** Emergencies in town: on scene within 5 minutes. */
const EMERGENCY: Record<Priority, Stages> = {
  high: [MIN, 2 * MIN, 3 * MIN, 5 * MIN, 2 * HOUR],
  medium: [3 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 4 * HOUR],
  low: [10 * MIN, 30 * MIN, HOUR, 2 * HOUR, DAY],
};
/** A camera offline is the technicians' job: fix within a working day. */
const MAINTENANCE: Record<Priority, Stages> = {
  high: [10 * MIN, 30 * MIN, HOUR, 4 * HOUR, 8 * HOUR],
  medium: [30 * MIN, 2 * HOUR, 4 * HOUR, 8 * HOUR, DAY],
  low: [2 * HOUR, 4 * HOUR, 8 * HOUR, DAY, 3 * DAY],
};

const INSTRUCTIONS: Record<AlertType, string> = {
  motion:
    '1. 调取实时画面核实是否有人员或车辆异常活动；2. 属误报的填写原因后作误报处理；3. 确有异常的受理并交办属地网格或派出所到场查看。',
  tampering:
    '1. 核实画面是否被遮挡、移位或破坏；2. 通知运维人员检修；3. 疑似人为破坏的交办派出所调查并固定录像。',
  line_crossing:
    '1. 回看越线时段录像；2. 核实是否进入禁区或危险区域；3. 需要现场处置的交办属地单位，5分钟内到场。',
  intrusion: '1. 立即调取实时画面并锁定目标去向；2. 交办就近派出所到场；3. 处置完成后回访确认。',
  crowding: '1. 核实聚集人数与情绪；2. 通知属地派出所与网格员到场疏导；3. 有升级风险的立即上报县中心。',
  camera_offline: '1. 确认设备与网络状态；2. 派运维人员检修；3. 恢复后系统自动办结，人工核对画面。',
  digital_input: '1. 核实报警输入来源（门磁、按钮等）；2. 调取关联摄像机画面；3. 交办属地单位现场确认。',
  checkpoint_alarm:
    '1. 核实卡口报警类型（超速、逆行、设备故障）；2. 交通类交办交警或交通运输部门；3. 设备故障通知运维。',
  dispute:
    '1. 受理后联系当事人核实诉求；2. 按风险等级交办属地网格或调解组织；3. 高风险1日内介入，中风险3日内、低风险7日内化解；4. 办结后回访。',
  public_safety: '1. 受理并核实警情；2. 交办派出所，城区5分钟内到场；3. 反馈处置结果。',
  fire: '1. 立即通知消防救援并交办属地；2. 调取周边摄像机；3. 持续跟踪至处置完毕。',
  traffic: '1. 调取周边摄像机与卡口画面；2. 交办交警或交通部门；3. 跟踪疏导结果。',
  environment: '1. 核实污染或隐患情况；2. 交办生态环境或综合执法部门；3. 反馈整改结果。',
  other: '1. 核实事件情况；2. 按职责交办相关单位；3. 跟踪办结并回访。',
  login_attack:
    '1. 在审计日志中查看被攻击账号与来源地址；2. 联系账号本人，必要时修改密码或停用账号；3. 来源地址可疑的通知网络管理员封堵并保留记录。',
  scope_probe:
    '1. 在审计日志中按 scope.denied 查看该用户被拒绝的访问；2. 联系用户本人及其上级核实原因；3. 确属越权的停用账号或调整角色与辖区，并保留记录。',
  recording_stopped:
    '1. 在录像存储页查看该摄像机未录像的原因（离线、取流失败、存储已满）；2. 派运维人员检修设备或网络；3. 恢复后核对录像时间轴，缺失时段在录像中标记为空缺。',
  storage_high_water:
    '1. 在录像存储页查看磁盘用量与被证据锁定的录像；2. 核对并解除已过期的证据锁定，或扩充存储；3. 存储仅剩锁定录像时录像已停止，须立即处理。',
};

function family(type: AlertType): Record<Priority, Stages> {
  if (type === 'camera_offline' || type === 'tampering') return MAINTENANCE;
  if (type === 'recording_stopped' || type === 'storage_high_water') return MAINTENANCE;
  if (type === 'dispute' || type === 'environment' || type === 'other') return CASE;
  if (type === 'public_safety' || type === 'fire' || type === 'traffic') return EMERGENCY;
  return VIDEO;
}

function correlationWindow(type: AlertType): number {
  // One offline alert per outage, however long: recovery closes it.
  if (type === 'camera_offline') return 7 * DAY;
  if (type === 'motion' || type === 'line_crossing' || type === 'intrusion') return 5 * MIN;
  if (type === 'dispute') return 0;
  // One alert per attacked username per hour; the sign-in limiter reports at most every 10 minutes.
  if (type === 'login_attack') return HOUR;
  // One alert per probing user per hour; the watch reports once per counting window.
  if (type === 'scope_probe') return HOUR;
  // One alert per camera's recording outage, and per disk, until a technician closes it.
  if (type === 'recording_stopped' || type === 'storage_high_water') return DAY;
  return 10 * MIN;
}

export function slaDefaults(types: readonly AlertType[], priorities: readonly Priority[]): SlaDefault[] {
  return types.flatMap((alertType) =>
    priorities.map((priority) => {
      const [acknowledge, dispatch, accept, arrive, resolve] = family(alertType)[priority];
      return {
        alertType,
        priority,
        acknowledgeSeconds: acknowledge,
        dispatchSeconds: dispatch,
        acceptSeconds: accept,
        arriveSeconds: arrive,
        resolveSeconds: resolve,
        escalate: priority !== 'low',
        correlationWindowSeconds: correlationWindow(alertType),
        instructions: INSTRUCTIONS[alertType],
      };
    }),
  );
}

import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RawEvent } from '@xueliang/contracts';
import { recordAudit, Region, User } from '@xueliang/db';
import { AlertQueues } from '../intake/alert-queues';
import { LOGIN_ATTACK_WINDOW_SECONDS } from './login-rate-limiter';

export interface LoginAttack {
  username: string;
  /** The user behind the username, when there is one. */
  user: Pick<User, 'id' | 'regionId'> | null;
  /** The address whose attempt crossed the threshold. */
  address: string;
  /** Failed or refused attempts on the username in the attack window. */
  attempts: number;
  at: Date;
}

/**
 * The alert a supervisor sees for a sustained attack on one username: in the attacked user's
 * region (so its township and the county see it), else the county's. Correlated per username,
 * and its id names the username and the moment the attack window opened, so a retried add is
 * a no-op.
 */
function loginAttackEvent(attack: LoginAttack, regionId: string): RawEvent {
  const subject = createHash('sha256').update(attack.username.toLowerCase()).digest('hex').slice(0, 16);
  return {
    id: `login_attack:${subject}:${attack.at.getTime()}`,
    source: 'system',
    type: 'login_attack',
    occurredAt: attack.at.toISOString(),
    regionId,
    priority: 'high',
    title: `账号 ${attack.username} 遭受密码猜测攻击`.slice(0, 200),
    description:
      `${LOGIN_ATTACK_WINDOW_SECONDS / 60} 分钟内 ${attack.attempts} 次登录失败或被限制，` +
      `最近来源地址 ${attack.address}。攻击地址已被限制，账号本人仍可从常用地址登录。`,
    attributes: { subject: `user:${subject}`, username: attack.username, address: attack.address },
  };
}

/** Audits a sustained sign-in attack and raises its alert through the normal events queue. */
@Injectable()
export class LoginAttackReporter {
  private readonly logger = new Logger('auth');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: AlertQueues,
  ) {}

  /** Never throws: the attacker's answer (401/429) must not depend on the report. */
  async report(attack: LoginAttack): Promise<void> {
    try {
      const regionId = attack.user?.regionId ?? (await this.countyId());
      await recordAudit(this.db.manager, {
        actorId: null,
        actorName: attack.username.slice(0, 64),
        action: 'auth.login_attack',
        targetType: 'user',
        targetId: attack.user?.id ?? null,
        regionId,
        ip: attack.address,
        detail: { attempts: attack.attempts, windowSeconds: LOGIN_ATTACK_WINDOW_SECONDS },
      });
      await this.queues.enqueue(loginAttackEvent(attack, regionId));
      this.logger.warn(
        `sign-in attack on one username: ${attack.attempts} attempts, last from ${attack.address}`,
      );
    } catch (err) {
      this.logger.error(
        `could not report a sign-in attack: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private async countyId(): Promise<string> {
    const county = await this.db
      .getRepository(Region)
      .createQueryBuilder('r')
      .where('r.parentId IS NULL')
      .orderBy('r.path', 'ASC')
      .getOneOrFail();
    return county.id;
  }
}

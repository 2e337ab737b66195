import type { DataSource } from 'typeorm';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import { Camera, CredentialCipher } from '@xueliang/db';
import { insertSimCameras, openDb, startFleet, startTestGateway, type TestGateway } from '../cameras/support';
import { TEST_CREDENTIAL_KEY } from '../support/env';
import { loginAs, newPage, screenshot, startConsole, until, type ConsoleRig } from './support';

jest.setTimeout(120_000);

/**
 * The technician's camera edit form against the real api, gateway and simulated cameras: it
 * shows the stored username (not a default), and a new password or address is probed first.
 */
describe('console: editing a camera re-probes it (real api, gateway and sim, headless chromium)', () => {
  let rig: ConsoleRig;
  let fleet: CameraFleet;
  let gateway: TestGateway;
  let db: DataSource;
  let camera: Camera;
  const cipher = new CredentialCipher(TEST_CREDENTIAL_KEY);

  beforeAll(async () => {
    // A username other than the form's default 'admin', as installers often set.
    fleet = await startFleet({ count: 2, ptzEvery: 0, username: 'operator', password: 'site-pw-7' });
    rig = await startConsole();
    gateway = await startTestGateway('gw-console-edit', { GATEWAY_BACKGROUND: 'false' });
    db = await openDb(rig.api.databaseUrl);
    const rows = await insertSimCameras(db, fleet, '清泉镇');
    camera = rows.find((c) => c.onvifAddress === fleet.list()[0].xaddr)!;
    // The second camera is not registered: the first one is moved to its address below.
    await db.getRepository(Camera).delete({ onvifAddress: fleet.list()[1].xaddr });
    // The password was changed on the camera itself; the stored one is out of date.
    await db
      .getRepository(Camera)
      .update({ id: camera.id }, { passwordEncrypted: cipher.encrypt('old-password') });
  });
  afterAll(async () => {
    await gateway?.close().catch(() => undefined);
    await rig?.close();
    await db?.destroy();
    await fleet?.stop();
  });

  const stored = () => db.getRepository(Camera).findOneByOrFail({ id: camera.id });

  it('shows the stored username; a wrong password is refused with the reason, the right one saves', async () => {
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'technician');
    await page.getByTestId('nav-cameras').click();
    const row = page.locator(`[data-testid=camera-row][data-camera-id="${camera.id}"]`);
    await row.getByTestId('camera-edit').click();
    const form = page.getByTestId('camera-form');
    await form.waitFor();
    expect(await form.getByTestId('camera-username').inputValue()).toBe('operator');
    expect(await form.getByTestId('camera-address').inputValue()).toBe(camera.onvifAddress);
    expect(await form.getByTestId('camera-address').isEnabled()).toBe(true);
    expect(await form.getByTestId('camera-password').getAttribute('placeholder')).toBe('留空则不修改');

    await form.getByTestId('camera-password').fill('not-the-password');
    await form.getByTestId('camera-form-submit').click();
    const error = form.locator('.form-error');
    await error.waitFor();
    expect(await error.textContent()).toBe(
      '认证失败（用户名或密码错误） · [camera_auth_failed] password: camera rejected the credentials (NotAuthorized)',
    );
    await screenshot(page, 'camera-edit-auth-failed');
    // Nothing was stored: the old password is still there.
    expect(cipher.decrypt((await stored()).passwordEncrypted)).toBe('old-password');

    await form.getByTestId('camera-password').fill('site-pw-7');
    await form.getByTestId('camera-form-submit').click();
    await form.waitFor({ state: 'detached' });
    await page.getByText('已保存').waitFor();
    const saved = await stored();
    expect(saved.username).toBe('operator');
    expect(cipher.decrypt(saved.passwordEncrypted)).toBe('site-pw-7');
    await context.close();
  });

  it('moves a camera to a new address only with the password entered again; in English too', async () => {
    const { context, page } = await newPage(rig, { locale: 'en' });
    await loginAs(rig, page, 'technician');
    await page.getByTestId('nav-cameras').click();
    const row = page.locator(`[data-testid=camera-row][data-camera-id="${camera.id}"]`);
    const form = page.getByTestId('camera-form');

    // Another host or port: the form says the password is needed again and cannot be saved without it.
    await row.getByTestId('camera-edit').click();
    await form.getByTestId('camera-address').fill('http://127.0.0.1:1/onvif/device_service');
    expect(await form.getByTestId('camera-password-needed').textContent()).toBe(
      'The address moves to another host or port: enter the password again (the stored one is never sent to a new address).',
    );
    expect(await form.getByTestId('camera-password').getAttribute('placeholder')).toBeNull();
    expect(await form.getByTestId('camera-form-submit').isDisabled()).toBe(true);
    await screenshot(page, 'camera-edit-password-again');

    // Somewhere nothing answers: refused, with the reason in English.
    await form.getByTestId('camera-password').fill('site-pw-7');
    await form.getByTestId('camera-form-submit').click();
    await until('the no-ONVIF error', async () =>
      (await form.locator('.form-error').textContent())?.startsWith(
        'No ONVIF device answers at this address · [not_onvif]',
      ),
    );

    const moved = fleet.list()[1].xaddr;
    await form.getByTestId('camera-address').fill(moved);
    await form.getByTestId('camera-form-submit').click();
    await form.waitFor({ state: 'detached' });
    await row.getByText(moved).waitFor();
    expect((await stored()).onvifAddress).toBe(moved);
    await context.close();
  });
});

/**
 * The Beats of the workshop (chapter 2 Metricbeat, chapter 3 Filebeat): which version matches the
 * attendee's cluster and how to download and install it from artifacts.elastic.co on each
 * operating system. Pure and client-safe: the server builds the set-up DTO from it and the tests
 * pin every file name.
 */

export const BEATS = ['metricbeat', 'filebeat'] as const;
export type BeatName = (typeof BEATS)[number];

export function isBeatName(value: unknown): value is BeatName {
  return typeof value === 'string' && (BEATS as readonly string[]).includes(value);
}

/** `Metricbeat`, as the Windows folder and service are named. */
export function beatTitle(beat: BeatName): string {
  return beat === 'metricbeat' ? 'Metricbeat' : 'Filebeat';
}

export interface BeatVersion {
  number: string;
  major: number;
  minor: number;
  patch: number;
}

/** The handout's 7.6.2 is the oldest the guide serves; Beats have the same version numbers as the stack. */
const OLDEST = { major: 7, minor: 6 };
const NEWEST_MAJOR = 9;

/**
 * The Beat version for a cluster: the cluster's own version (Beats are released with the stack,
 * and a Beat newer than its cluster is not supported). 7.x clusters get the same 7.x release,
 * 8.x and 9.x the same release too. Null when only the major is known (a user without `monitor`)
 * or the cluster is outside what the guide serves; the UI then asks for the Deployment version.
 */
export function beatVersionFor(cluster: { number: string; exact?: boolean } | null | undefined): BeatVersion | null {
  if (!cluster || cluster.exact === false) return null;
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(cluster.number.trim());
  if (!match) return null;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (major < OLDEST.major || (major === OLDEST.major && minor < OLDEST.minor) || major > NEWEST_MAJOR) return null;
  return { number: `${major}.${minor}.${patch}`, major, minor, patch };
}

function atLeast(version: BeatVersion, major: number, minor: number, patch = 0): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}

export type InstallPlatformId = 'linux-deb' | 'linux-rpm' | 'linux-tar' | 'macos-tar' | 'windows-zip';
export const INSTALL_PLATFORMS: readonly InstallPlatformId[] = ['linux-deb', 'linux-rpm', 'linux-tar', 'macos-tar', 'windows-zip'];

export type CpuArch = 'x86_64' | 'aarch64';

export interface InstallVariant {
  arch: CpuArch;
  /** File name on artifacts.elastic.co. */
  file: string;
  url: string;
  /** Commands in order, each copied on its own (a Windows block may span lines). */
  commands: string[];
  /** Where the configuration file is after installing. */
  configPath: string;
}

export interface InstallPlatform {
  id: InstallPlatformId;
  /** x86_64 first; aarch64 only for versions published for it. */
  variants: InstallVariant[];
  /** How `<beat> setup` is typed on this platform (sudo for packages, ./ for archives, .exe on Windows). */
  beatCommand: string;
}

const ARTIFACTS = 'https://artifacts.elastic.co/downloads/beats';

export function artifactUrl(beat: BeatName, file: string): string {
  return `${ARTIFACTS}/${beat}/${file}`;
}

/**
 * The file name of a package. Names are the Beats packaging's: `amd64`/`arm64` for deb,
 * `x86_64`/`aarch64` for rpm, `linux-x86_64`/`linux-arm64` for Linux archives (the Linux archive
 * kept `arm64` when the other products moved to `aarch64`), `darwin-x86_64`/`darwin-aarch64`.
 */
export function artifactFile(beat: BeatName, version: BeatVersion, platform: InstallPlatformId, arch: CpuArch): string {
  const base = `${beat}-${version.number}`;
  const arm = arch === 'aarch64';
  switch (platform) {
    case 'linux-deb':
      return `${base}-${arm ? 'arm64' : 'amd64'}.deb`;
    case 'linux-rpm':
      return `${base}-${arm ? 'aarch64' : 'x86_64'}.rpm`;
    case 'linux-tar':
      return `${base}-linux-${arm ? 'arm64' : 'x86_64'}.tar.gz`;
    case 'macos-tar':
      return `${base}-darwin-${arm ? 'aarch64' : 'x86_64'}.tar.gz`;
    case 'windows-zip':
      return `${base}-windows-x86_64.zip`;
  }
}

/**
 * Which CPU architectures Elastic publishes a platform's package for. Linux ARM packages were
 * enabled by default in the 7.x branch in April 2020 (elastic/beats#18055) and are on the
 * download server from 7.9.0; Apple silicon archives came with the darwin/arm64 build
 * (elastic/beats#29585) in 8.2.0. Windows is x86_64 only.
 */
export function architecturesFor(version: BeatVersion, platform: InstallPlatformId): CpuArch[] {
  if (platform === 'windows-zip') return ['x86_64'];
  if (platform === 'macos-tar') return atLeast(version, 8, 2) ? ['x86_64', 'aarch64'] : ['x86_64'];
  return atLeast(version, 7, 9) ? ['x86_64', 'aarch64'] : ['x86_64'];
}

function archiveFolder(file: string): string {
  return file.replace(/\.(tar\.gz|zip)$/, '');
}

function commandsFor(beat: BeatName, platform: InstallPlatformId, file: string, url: string): string[] {
  const folder = archiveFolder(file);
  const title = beatTitle(beat);
  switch (platform) {
    case 'linux-deb':
      return [`curl -L -O ${url}`, `sudo dpkg -i ${file}`];
    case 'linux-rpm':
      return [`curl -L -O ${url}`, `sudo rpm -vi ${file}`];
    case 'linux-tar':
      return ['cd /opt', `sudo curl -L -O ${url}`, `sudo tar xzf ${file}`, `sudo chown -R $(whoami) /opt/${folder}`];
    case 'macos-tar':
      return ['sudo mkdir -p /opt && cd /opt', `sudo curl -L -O ${url}`, `sudo tar xzf ${file}`, `sudo chown -R $(whoami) /opt/${folder}`];
    case 'windows-zip':
      return [
        [
          `Invoke-WebRequest -Uri ${url} -OutFile ${file}`,
          `Expand-Archive .\\${file} -DestinationPath 'C:\\Program Files'`,
          `Rename-Item 'C:\\Program Files\\${folder}' '${title}'`,
        ].join('\n'),
        `cd 'C:\\Program Files\\${title}'`,
        `.\\install-service-${beat}.ps1`,
      ];
  }
}

function configPathFor(beat: BeatName, platform: InstallPlatformId, file: string): string {
  switch (platform) {
    case 'linux-deb':
    case 'linux-rpm':
      return `/etc/${beat}/${beat}.yml`;
    case 'linux-tar':
    case 'macos-tar':
      return `/opt/${archiveFolder(file)}/${beat}.yml`;
    case 'windows-zip':
      return `C:\\Program Files\\${beatTitle(beat)}\\${beat}.yml`;
  }
}

export function beatCommandFor(beat: BeatName, platform: InstallPlatformId): string {
  if (platform === 'linux-deb' || platform === 'linux-rpm') return `sudo ${beat}`;
  if (platform === 'windows-zip') return `.\\${beat}.exe`;
  return `./${beat}`;
}

/** Download and install commands for every platform, for the Beat version that matches the cluster. */
export function installPlatforms(beat: BeatName, version: BeatVersion): InstallPlatform[] {
  return INSTALL_PLATFORMS.map((id) => ({
    id,
    variants: architecturesFor(version, id).map((arch) => {
      const file = artifactFile(beat, version, id, arch);
      const url = artifactUrl(beat, file);
      return { arch, file, url, commands: commandsFor(beat, id, file, url), configPath: configPathFor(beat, id, file) };
    }),
    beatCommand: beatCommandFor(beat, id),
  }));
}

import { describe, expect, it } from 'vitest';
import { architecturesFor, artifactFile, beatVersionFor, installPlatforms, isBeatName, type BeatVersion } from './beats';

const v = (number: string): BeatVersion => beatVersionFor({ number, exact: true })!;

describe('beatVersionFor', () => {
  it.each([
    ['7.6.2', '7.6.2'],
    ['7.17.24', '7.17.24'],
    ['8.15.0', '8.15.0'],
    ['9.1.3', '9.1.3'],
  ])('gives a %s cluster the Beat %s', (cluster, beat) => {
    expect(beatVersionFor({ number: cluster, exact: true })?.number).toBe(beat);
  });

  it('has no answer when only the major is known, for snapshots, or outside 7.6-9.x', () => {
    expect(beatVersionFor({ number: '8.x', exact: false })).toBeNull();
    expect(beatVersionFor({ number: '8.15.0', exact: false })).toBeNull();
    expect(beatVersionFor({ number: '9.0.0-SNAPSHOT', exact: true })).toBeNull();
    expect(beatVersionFor({ number: '7.5.2', exact: true })).toBeNull();
    expect(beatVersionFor({ number: '6.8.23', exact: true })).toBeNull();
    expect(beatVersionFor({ number: '10.0.0', exact: true })).toBeNull();
    expect(beatVersionFor(null)).toBeNull();
  });

  it('knows the two Beats of the workshop', () => {
    expect(isBeatName('metricbeat')).toBe(true);
    expect(isBeatName('filebeat')).toBe(true);
    expect(isBeatName('packetbeat')).toBe(false);
  });
});

describe('artifacts', () => {
  it('names the files as artifacts.elastic.co publishes them', () => {
    const version = v('8.15.0');
    expect(artifactFile('metricbeat', version, 'linux-deb', 'x86_64')).toBe('metricbeat-8.15.0-amd64.deb');
    expect(artifactFile('metricbeat', version, 'linux-deb', 'aarch64')).toBe('metricbeat-8.15.0-arm64.deb');
    expect(artifactFile('metricbeat', version, 'linux-rpm', 'x86_64')).toBe('metricbeat-8.15.0-x86_64.rpm');
    expect(artifactFile('metricbeat', version, 'linux-rpm', 'aarch64')).toBe('metricbeat-8.15.0-aarch64.rpm');
    expect(artifactFile('filebeat', version, 'linux-tar', 'x86_64')).toBe('filebeat-8.15.0-linux-x86_64.tar.gz');
    expect(artifactFile('filebeat', version, 'linux-tar', 'aarch64')).toBe('filebeat-8.15.0-linux-arm64.tar.gz');
    expect(artifactFile('filebeat', version, 'macos-tar', 'aarch64')).toBe('filebeat-8.15.0-darwin-aarch64.tar.gz');
    expect(artifactFile('filebeat', version, 'windows-zip', 'x86_64')).toBe('filebeat-8.15.0-windows-x86_64.zip');
  });

  it('offers ARM builds only for versions that have them', () => {
    expect(architecturesFor(v('7.6.2'), 'linux-deb')).toEqual(['x86_64']);
    expect(architecturesFor(v('7.9.0'), 'linux-rpm')).toEqual(['x86_64', 'aarch64']);
    expect(architecturesFor(v('7.17.24'), 'macos-tar')).toEqual(['x86_64']);
    expect(architecturesFor(v('8.1.3'), 'macos-tar')).toEqual(['x86_64']);
    expect(architecturesFor(v('8.2.0'), 'macos-tar')).toEqual(['x86_64', 'aarch64']);
    expect(architecturesFor(v('9.1.0'), 'windows-zip')).toEqual(['x86_64']);
  });
});

describe('installPlatforms', () => {
  it("gives the handout's 7.6.2 macOS commands, with the corrected chown on the extracted folder", () => {
    const macos = installPlatforms('metricbeat', v('7.6.2')).find((p) => p.id === 'macos-tar')!;
    expect(macos.variants).toHaveLength(1);
    expect(macos.variants[0]!.commands).toEqual([
      'sudo mkdir -p /opt && cd /opt',
      'sudo curl -L -O https://artifacts.elastic.co/downloads/beats/metricbeat/metricbeat-7.6.2-darwin-x86_64.tar.gz',
      'sudo tar xzf metricbeat-7.6.2-darwin-x86_64.tar.gz',
      'sudo chown -R $(whoami) /opt/metricbeat-7.6.2-darwin-x86_64',
    ]);
    expect(macos.variants[0]!.configPath).toBe('/opt/metricbeat-7.6.2-darwin-x86_64/metricbeat.yml');
    expect(macos.beatCommand).toBe('./metricbeat');
  });

  it('covers deb, rpm, tar.gz, macOS and Windows, every URL on artifacts.elastic.co', () => {
    const platforms = installPlatforms('filebeat', v('8.15.0'));
    expect(platforms.map((p) => p.id)).toEqual(['linux-deb', 'linux-rpm', 'linux-tar', 'macos-tar', 'windows-zip']);
    for (const platform of platforms) {
      for (const variant of platform.variants) {
        expect(variant.url).toBe(`https://artifacts.elastic.co/downloads/beats/filebeat/${variant.file}`);
        expect(variant.commands.join('\n')).toContain(variant.url);
      }
    }
    const deb = platforms.find((p) => p.id === 'linux-deb')!;
    expect(deb.variants[1]!.commands).toEqual([
      'curl -L -O https://artifacts.elastic.co/downloads/beats/filebeat/filebeat-8.15.0-arm64.deb',
      'sudo dpkg -i filebeat-8.15.0-arm64.deb',
    ]);
    expect(deb.variants[0]!.configPath).toBe('/etc/filebeat/filebeat.yml');
    expect(deb.beatCommand).toBe('sudo filebeat');
    const rpm = platforms.find((p) => p.id === 'linux-rpm')!;
    expect(rpm.variants[0]!.commands[1]).toBe('sudo rpm -vi filebeat-8.15.0-x86_64.rpm');
    const tar = platforms.find((p) => p.id === 'linux-tar')!;
    expect(tar.variants[1]!.configPath).toBe('/opt/filebeat-8.15.0-linux-arm64/filebeat.yml');
  });

  it('installs the Windows zip as a service under Program Files', () => {
    const windows = installPlatforms('metricbeat', v('9.1.0')).find((p) => p.id === 'windows-zip')!;
    const [download, cd, service] = windows.variants[0]!.commands;
    expect(download).toBe(
      [
        'Invoke-WebRequest -Uri https://artifacts.elastic.co/downloads/beats/metricbeat/metricbeat-9.1.0-windows-x86_64.zip -OutFile metricbeat-9.1.0-windows-x86_64.zip',
        "Expand-Archive .\\metricbeat-9.1.0-windows-x86_64.zip -DestinationPath 'C:\\Program Files'",
        "Rename-Item 'C:\\Program Files\\metricbeat-9.1.0-windows-x86_64' 'Metricbeat'",
      ].join('\n'),
    );
    expect(cd).toBe("cd 'C:\\Program Files\\Metricbeat'");
    expect(service).toBe('.\\install-service-metricbeat.ps1');
    expect(windows.variants[0]!.configPath).toBe('C:\\Program Files\\Metricbeat\\metricbeat.yml');
    expect(windows.beatCommand).toBe('.\\metricbeat.exe');
  });
});

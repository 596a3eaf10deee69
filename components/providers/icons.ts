import { icon as apps } from '@elastic/eui/es/components/icon/assets/apps';
import { icon as check } from '@elastic/eui/es/components/icon/assets/check';
import { icon as checkCircleFill } from '@elastic/eui/es/components/icon/assets/check_circle_fill';
import { icon as chevronSingleDown } from '@elastic/eui/es/components/icon/assets/chevron_single_down';
import { icon as chevronSingleLeft } from '@elastic/eui/es/components/icon/assets/chevron_single_left';
import { icon as chevronSingleRight } from '@elastic/eui/es/components/icon/assets/chevron_single_right';
import { icon as chevronSingleUp } from '@elastic/eui/es/components/icon/assets/chevron_single_up';
import { icon as clock } from '@elastic/eui/es/components/icon/assets/clock';
import { icon as cluster } from '@elastic/eui/es/components/icon/assets/cluster';
import { icon as commandLine } from '@elastic/eui/es/components/icon/assets/command_line';
import { icon as copy } from '@elastic/eui/es/components/icon/assets/copy';
import { icon as cross } from '@elastic/eui/es/components/icon/assets/cross';
import { icon as documentation } from '@elastic/eui/es/components/icon/assets/documentation';
import { icon as dot } from '@elastic/eui/es/components/icon/assets/dot';
import { icon as empty } from '@elastic/eui/es/components/icon/assets/empty';
import { icon as error } from '@elastic/eui/es/components/icon/assets/error';
import { icon as external } from '@elastic/eui/es/components/icon/assets/external';
import { icon as eye } from '@elastic/eui/es/components/icon/assets/eye';
import { icon as eyeSlash } from '@elastic/eui/es/components/icon/assets/eye_slash';
import { icon as fullScreen } from '@elastic/eui/es/components/icon/assets/full_screen';
import { icon as fullScreenExit } from '@elastic/eui/es/components/icon/assets/full_screen_exit';
import { icon as globe } from '@elastic/eui/es/components/icon/assets/globe';
import { icon as info } from '@elastic/eui/es/components/icon/assets/info';
import { icon as link } from '@elastic/eui/es/components/icon/assets/link';
import { icon as logOut } from '@elastic/eui/es/components/icon/assets/log_out';
import { icon as logoElastic } from '@elastic/eui/es/components/icon/assets/logo_elastic';
import { icon as logoGithub } from '@elastic/eui/es/components/icon/assets/logo_github';
import { icon as logoGoogleG } from '@elastic/eui/es/components/icon/assets/logo_google_g';
import { icon as menu } from '@elastic/eui/es/components/icon/assets/menu';
import { icon as moon } from '@elastic/eui/es/components/icon/assets/moon';
import { icon as pencil } from '@elastic/eui/es/components/icon/assets/pencil';
import { icon as sun } from '@elastic/eui/es/components/icon/assets/sun';
import { icon as user } from '@elastic/eui/es/components/icon/assets/user';
import { icon as users } from '@elastic/eui/es/components/icon/assets/users';
import { icon as warning } from '@elastic/eui/es/components/icon/assets/warning';
import { icon as wrench } from '@elastic/eui/es/components/icon/assets/wrench';
import { appendIconComponentCache } from '@elastic/eui/es/components/icon/icon';

/**
 * EuiIcon loads its SVGs with dynamic import() on the client, so on the server and during hydration
 * it renders an empty placeholder that pops in later. Registering the icons this app shows up front
 * makes them render in the server HTML. Names are EUI's icon names, including those EUI components
 * use internally (code block copy/full screen, side nav chevrons, callout defaults).
 */
export const guideIcons = {
  eyeSlash,
  user,
  users,
  logOut,
  logoGithub,
  logoGoogleG,
  chevronSingleUp,
  apps,
  alert: warning,
  check,
  checkCircleFill,
  chevronSingleDown,
  chevronSingleLeft,
  chevronSingleRight,
  clock,
  cluster,
  commandLine,
  copy,
  cross,
  documentation,
  dot,
  empty,
  error,
  external,
  eye,
  fullScreen,
  fullScreenExit,
  globe,
  info,
  link,
  logoElastic,
  menu,
  moon,
  pencil,
  sun,
  warning,
  wrench,
};

appendIconComponentCache(guideIcons);

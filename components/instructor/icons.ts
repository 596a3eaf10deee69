import { icon as download } from '@elastic/eui/es/components/icon/assets/download';
import { icon as eraser } from '@elastic/eui/es/components/icon/assets/eraser';
import { icon as search } from '@elastic/eui/es/components/icon/assets/magnify';
import { icon as plus } from '@elastic/eui/es/components/icon/assets/plus';
import { icon as presentation } from '@elastic/eui/es/components/icon/assets/presentation';
import { icon as trash } from '@elastic/eui/es/components/icon/assets/trash';
import { icon as users } from '@elastic/eui/es/components/icon/assets/users';
import { appendIconComponentCache } from '@elastic/eui/es/components/icon/icon';

/**
 * The instructor pages' own icons, registered up front like the guide's (components/providers/icons.ts)
 * but only where these pages load, so the chapter pages do not carry them.
 */
appendIconComponentCache({ download, eraser, search, plus, presentation, trash, users });

import { ControlError, controlBody, defineFeature } from '../feature';
import { HOST_ACTIONS, isHostAction } from './actions';
import { HostActionError, PracticeHost } from './practice-host';

/**
 * The simulated lab VM as the practice cluster's first feature: no Elasticsearch routes of its own
 * (its Beats write through the engine like any client), the control API's host actions, a tick
 * while a Beat runs, no licence.
 */
export const hostFeature = defineFeature<PracticeHost>({
  name: 'host',
  controlRoutes(r) {
    r.add('GET', '/host', (_ctx, host) => ({ body: host.state() }));
    r.add('POST', '/host/{action}', (ctx, host) => {
      const action = ctx.params.action ?? '';
      if (!isHostAction(action)) {
        throw new ControlError(400, 'illegal_argument_exception', `unknown host action [${action}]; the actions are: ${HOST_ACTIONS.join(', ')}`);
      }
      try {
        return { body: host.act(action, controlBody(ctx)) };
      } catch (error) {
        if (error instanceof HostActionError) throw new ControlError(400, 'illegal_argument_exception', error.message);
        throw error;
      }
    });
  },
  create: (ctx) => new PracticeHost(ctx.deploymentId, ctx.flavor, ctx.engine, ctx.clock, ctx.createdAt),
});

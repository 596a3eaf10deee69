import type { ErrorCode } from './errors';

/**
 * What the reader sees for each error code, in Korean (the handout's language, the default) and
 * English. Texts are functions of the error's public params, so a sub-reason (which part of a
 * Cloud ID is wrong, which feature needs a licence) reads as one sentence in each language.
 */
export type TextLocale = 'ko' | 'en';

export type ErrorTextParams = Readonly<Record<string, string | number | boolean | undefined>>;

type Text = (params: ErrorTextParams) => string;

interface LocalisedText {
  message: Text;
  hint: Text;
}

type ErrorTexts = Record<ErrorCode, Record<TextLocale, LocalisedText>>;

function param(params: ErrorTextParams, name: string): string | undefined {
  const value = params[name];
  return value === undefined || value === '' ? undefined : String(value);
}

/** Picks a sub-reason's text, falling back to `other` for an unknown or missing reason. */
function byReason(texts: Record<string, Text> & { other: Text }): Text {
  return (params) => {
    const reason = param(params, 'reason');
    const text = (reason !== undefined ? texts[reason] : undefined) ?? texts.other;
    return text(params);
  };
}

function fixed(text: string): Text {
  return () => text;
}

/** The filter box's syntax errors (lib/queries/filter-language.ts codes), worded per language. */
const FILTER_SYNTAX: Record<TextLocale, Record<string, (token: string) => string>> = {
  en: {
    too_long: (t) => `the filter is longer than ${t} characters`,
    not_without_operator: () => "put 'and' or 'or' before 'not'",
    expected_condition_after: (t) => `a condition is missing after '${t}'`,
    unmatched_close: () => "this ')' has no matching '('",
    expected_field_before: (t) => `a field name is missing before '${t}'`,
    quoted_field: () => 'a field name cannot be in quotes',
    expected_value_after: (t) => `a value is missing after '${t}'`,
    expected_value_for: (t) => `a value is missing for ${t}`,
    empty_group: () => "there is no condition inside '( )'",
    unclosed_group: () => "this '(' is never closed with ')'",
    field_wildcard: () => 'a field name cannot contain *',
    field_spaces: (t) => `the field name '${t}' contains spaces (join conditions with and / or)`,
    nothing_to_escape: () => "there is nothing after '\\' to escape",
    unclosed_quote: () => "this quoted value has no closing '\"'",
    unexpected_open: () => "unexpected '(' (quote values that contain parentheses)",
    unexpected_colon: () => "unexpected ':' (quote values that contain ':' or join conditions with and)",
    nested_braces: () => 'nested field queries with { } are not supported',
    unexpected: (t) => `unexpected '${t}'`,
  },
  ko: {
    too_long: (t) => `필터가 ${t}자보다 깁니다`,
    not_without_operator: () => "'not' 앞에 'and'나 'or'를 넣으세요",
    expected_condition_after: (t) => `'${t}' 뒤에 조건이 없습니다`,
    unmatched_close: () => "')'에 짝이 되는 '('가 없습니다",
    expected_field_before: (t) => `'${t}' 앞에 필드 이름이 없습니다`,
    quoted_field: () => '필드 이름은 따옴표로 감쌀 수 없습니다',
    expected_value_after: (t) => `'${t}' 뒤에 값이 없습니다`,
    expected_value_for: (t) => `${t}의 값이 없습니다`,
    empty_group: () => "'( )' 안에 조건이 없습니다",
    unclosed_group: () => "'('를 닫는 ')'가 없습니다",
    field_wildcard: () => '필드 이름에는 *를 쓸 수 없습니다',
    field_spaces: (t) => `필드 이름 '${t}'에 공백이 있습니다(조건은 and / or로 이으세요)`,
    nothing_to_escape: () => "'\\' 뒤에 이스케이프할 문자가 없습니다",
    unclosed_quote: () => "따옴표로 시작한 값을 닫는 '\"'가 없습니다",
    unexpected_open: () => "예상하지 못한 '('입니다(괄호가 든 값은 따옴표로 감싸세요)",
    unexpected_colon: () => "예상하지 못한 ':'입니다(':'가 든 값은 따옴표로 감싸고, 조건은 and로 이으세요)",
    nested_braces: () => '{ }로 묶은 중첩 필드 조건은 지원하지 않습니다',
    unexpected: (t) => `예상하지 못한 '${t}'입니다`,
  },
};

function filterSyntaxMessage(params: ErrorTextParams, locale: TextLocale): string {
  const texts = FILTER_SYNTAX[locale];
  const syntax = param(params, 'syntax');
  const detail = (syntax !== undefined ? texts[syntax] : undefined)?.(param(params, 'token') ?? '');
  const position = params.position;
  const column = typeof position === 'number' ? position + 1 : undefined;
  if (locale === 'ko') {
    const where = column === undefined ? '필터 문법이 올바르지 않습니다' : `필터의 ${column}번째 글자에서 문법이 올바르지 않습니다`;
    return detail ? `${where}: ${detail}.` : `${where}.`;
  }
  const where = column === undefined ? 'The filter has a syntax error' : `The filter has a syntax error at character ${column}`;
  return detail ? `${where}: ${detail}.` : `${where}.`;
}

const FEATURE_EN: Record<string, string> = { watcher: 'Watcher (alerting)', ml: 'Machine learning' };
const FEATURE_KO: Record<string, string> = { watcher: 'Watcher(알림)', ml: '머신러닝' };

/** `limit` (bytes) as "1 MB" / "64 KB". */
function kilobytes(params: ErrorTextParams): string | undefined {
  const raw = params.limit;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return undefined;
  return raw >= 1024 * 1024 ? `${Math.round((raw / (1024 * 1024)) * 10) / 10} MB` : `${Math.max(1, Math.round(raw / 1024))} KB`;
}

function seconds(params: ErrorTextParams, name: string): string | undefined {
  const raw = params[name];
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return undefined;
  return name.endsWith('Ms') ? String(Math.max(1, Math.round(raw / 1000))) : String(Math.max(1, Math.round(raw)));
}

export const ERROR_TEXTS: ErrorTexts = {
  invalid_cloud_id: {
    en: {
      message: byReason({
        empty: fixed('The Cloud ID is empty.'),
        looks_like_url: fixed('This is a URL, not a Cloud ID.'),
        no_colon: fixed("The Cloud ID is not valid: it has no ':' between the deployment name and the encoded part."),
        not_base64: fixed("The Cloud ID is not valid: the part after the last ':' is not base64."),
        wrong_parts: (p) =>
          `The Cloud ID is not valid: it decodes to ${param(p, 'partCount') ?? 'too few'} '$'-separated parts where at least 3 are needed (host, Elasticsearch id, Kibana id).`,
        empty_uuid: fixed('The Cloud ID is not valid: its Elasticsearch id is empty.'),
        bad_uuid: fixed('The Cloud ID is not valid: its Elasticsearch or Kibana id contains characters that are not allowed.'),
        bad_host: fixed('The Cloud ID is not valid: the host name in it is not valid.'),
        bad_port: fixed('The Cloud ID is not valid: the port in it is not a valid port number.'),
        other: fixed('The Cloud ID is not valid.'),
      }),
      hint: byReason({
        looks_like_url: fixed('Paste it into the URL field instead, or copy the Cloud ID from the deployment page.'),
        other: fixed(
          'Copy the Cloud ID again from the deployment page of the Elastic Cloud console; it looks like my-deployment:dXMtY2VudHJhbDEu… (a name, a colon, then a long code).',
        ),
      }),
    },
    ko: {
      message: byReason({
        empty: fixed('Cloud ID가 비어 있습니다.'),
        looks_like_url: fixed('Cloud ID가 아니라 URL입니다.'),
        no_colon: fixed("Cloud ID가 올바르지 않습니다: 배포 이름과 인코딩된 부분 사이에 ':'가 없습니다."),
        not_base64: fixed("Cloud ID가 올바르지 않습니다: 마지막 ':' 뒤의 부분이 base64가 아닙니다."),
        wrong_parts: (p) =>
          `Cloud ID가 올바르지 않습니다: 디코딩하면 '$'로 나뉜 부분이 ${param(p, 'partCount') ?? '너무 적은 수'}개인데, 3개 이상(호스트, Elasticsearch ID, Kibana ID)이어야 합니다.`,
        empty_uuid: fixed('Cloud ID가 올바르지 않습니다: Elasticsearch ID가 비어 있습니다.'),
        bad_uuid: fixed('Cloud ID가 올바르지 않습니다: Elasticsearch 또는 Kibana ID에 허용되지 않는 문자가 있습니다.'),
        bad_host: fixed('Cloud ID가 올바르지 않습니다: 안에 든 호스트 이름이 올바르지 않습니다.'),
        bad_port: fixed('Cloud ID가 올바르지 않습니다: 안에 든 포트 번호가 올바르지 않습니다.'),
        other: fixed('Cloud ID가 올바르지 않습니다.'),
      }),
      hint: byReason({
        looks_like_url: fixed('URL 칸에 붙여 넣거나, 배포 페이지에서 Cloud ID를 복사하세요.'),
        other: fixed(
          'Elastic Cloud 콘솔의 배포 페이지에서 Cloud ID를 다시 복사하세요. my-deployment:dXMtY2VudHJhbDEu… 처럼 이름, 콜론, 긴 코드로 되어 있습니다.',
        ),
      }),
    },
  },
  invalid_url: {
    en: {
      message: byReason({
        empty: fixed('The URL is empty.'),
        scheme: fixed('The URL is not valid: only http:// and https:// addresses are supported.'),
        credentials: fixed('The URL contains a user name or password; enter them in their own fields instead.'),
        path: fixed('The URL is not valid: enter only the address of Elasticsearch, without a path, query or #fragment.'),
        kibana: fixed('This looks like a Kibana address, not the Elasticsearch endpoint.'),
        other: fixed('The URL is not valid.'),
      }),
      hint: fixed(
        'Enter the Elasticsearch endpoint, such as https://my-deployment.es.us-central1.gcp.cloud.es.io:443 (Elastic Cloud: "Copy endpoint" next to Elasticsearch on the deployment page), or use the Cloud ID.',
      ),
    },
    ko: {
      message: byReason({
        empty: fixed('URL이 비어 있습니다.'),
        scheme: fixed('URL이 올바르지 않습니다: http:// 또는 https:// 주소만 사용할 수 있습니다.'),
        credentials: fixed('URL에 사용자 이름이나 비밀번호가 들어 있습니다. 각각의 입력 칸에 따로 입력하세요.'),
        path: fixed('URL이 올바르지 않습니다: 경로, 쿼리, #부분 없이 Elasticsearch 주소만 입력하세요.'),
        kibana: fixed('Elasticsearch 엔드포인트가 아니라 Kibana 주소로 보입니다.'),
        other: fixed('URL이 올바르지 않습니다.'),
      }),
      hint: fixed(
        'https://my-deployment.es.us-central1.gcp.cloud.es.io:443 처럼 Elasticsearch 엔드포인트를 입력하세요(Elastic Cloud 배포 페이지에서 Elasticsearch 옆의 "Copy endpoint"). 또는 Cloud ID를 사용하세요.',
      ),
    },
  },
  endpoint_not_allowed: {
    en: {
      message: (p) => {
        const host = param(p, 'host');
        const subject = host === undefined ? 'This cluster address' : `The cluster address ${host}`;
        return byReason({
          private_address: fixed(`${subject} is not allowed: it points to a private, loopback or link-local network address.`),
          scheme: fixed(`${subject} is not allowed: Elastic Cloud endpoints are reached over https://.`),
          port: fixed(`${subject} is not allowed: Elastic Cloud endpoints use port 443 or 9243.`),
          other: fixed(`${subject} is not allowed: only Elastic Cloud and hosts the workshop operator allows are accepted.`),
        })(p);
      },
      hint: fixed(
        "Connect with your Elastic Cloud deployment's Cloud ID (chapter 1, step 16), or use the practice cluster button below the form. The guide cannot reach a cluster on your own computer or inside your company network: ask your instructor which cluster to use.",
      ),
    },
    ko: {
      message: (p) => {
        const host = param(p, 'host');
        const subject = host === undefined ? '이 클러스터 주소는' : `클러스터 주소 ${host}는`;
        return byReason({
          private_address: fixed(`${subject} 사용할 수 없습니다: 사설, 루프백 또는 링크 로컬 네트워크 주소를 가리킵니다.`),
          scheme: fixed(`${subject} 사용할 수 없습니다: Elastic Cloud 엔드포인트는 https://로 접속합니다.`),
          port: fixed(`${subject} 사용할 수 없습니다: Elastic Cloud 엔드포인트는 443 또는 9243 포트를 씁니다.`),
          other: fixed(`${subject} 사용할 수 없습니다: Elastic Cloud와 워크숍 운영자가 허용한 호스트만 접속할 수 있습니다.`),
        })(p);
      },
      hint: fixed(
        'Elastic Cloud 배포의 Cloud ID(1장 16단계)로 연결하거나, 입력란 아래의 연습 클러스터 버튼을 사용하세요. 내 컴퓨터나 회사 네트워크 안에 있는 클러스터에는 가이드가 접속할 수 없으니 어떤 클러스터를 쓸지 강사에게 물어보세요.',
      ),
    },
  },
  dns_failed: {
    en: {
      message: (p) => {
        const host = param(p, 'host');
        return host === undefined
          ? "The cluster's name could not be found (DNS lookup failed)."
          : `The cluster's name ${host} could not be found (DNS lookup failed).`;
      },
      hint: fixed(
        'Check the spelling, or copy the Cloud ID or endpoint again from the deployment page. A deleted deployment no longer has a name; if the network is down, try again in a moment.',
      ),
    },
    ko: {
      message: (p) => {
        const host = param(p, 'host');
        return host === undefined
          ? '클러스터 이름을 찾을 수 없습니다(DNS 조회 실패).'
          : `클러스터 이름 ${host}을(를) 찾을 수 없습니다(DNS 조회 실패).`;
      },
      hint: fixed(
        '철자를 확인하거나 배포 페이지에서 Cloud ID나 엔드포인트를 다시 복사하세요. 삭제된 배포는 이름이 없어집니다. 네트워크 문제라면 잠시 후 다시 시도하세요.',
      ),
    },
  },
  tls_failed: {
    en: {
      message: byReason({
        self_signed: fixed('The secure (TLS) connection failed: the cluster presents a self-signed certificate.'),
        expired: fixed("The secure (TLS) connection failed: the cluster's certificate has expired."),
        hostname_mismatch: fixed("The secure (TLS) connection failed: the cluster's certificate is for another name."),
        untrusted: fixed("The secure (TLS) connection failed: the cluster's certificate is not signed by a trusted authority."),
        protocol: fixed('The secure (TLS) connection failed: the server did not answer with TLS.'),
        other: fixed('The secure (TLS) connection to the cluster failed.'),
      }),
      hint: byReason({
        protocol: fixed('Check whether the address should start with http:// or https://, and the port.'),
        other: fixed(
          'Elastic Cloud certificates are trusted, so copy its endpoint again. A self-managed cluster with its own certificate authority needs a trusted certificate, or the operator can publish it under a trusted name.',
        ),
      }),
    },
    ko: {
      message: byReason({
        self_signed: fixed('보안(TLS) 연결에 실패했습니다: 클러스터가 자체 서명 인증서를 사용합니다.'),
        expired: fixed('보안(TLS) 연결에 실패했습니다: 클러스터의 인증서가 만료되었습니다.'),
        hostname_mismatch: fixed('보안(TLS) 연결에 실패했습니다: 클러스터의 인증서가 다른 이름용입니다.'),
        untrusted: fixed('보안(TLS) 연결에 실패했습니다: 클러스터의 인증서를 신뢰할 수 있는 기관이 서명하지 않았습니다.'),
        protocol: fixed('보안(TLS) 연결에 실패했습니다: 서버가 TLS로 응답하지 않았습니다.'),
        other: fixed('클러스터와의 보안(TLS) 연결에 실패했습니다.'),
      }),
      hint: byReason({
        protocol: fixed('주소가 http://로 시작해야 하는지 https://로 시작해야 하는지, 그리고 포트를 확인하세요.'),
        other: fixed(
          'Elastic Cloud 인증서는 신뢰할 수 있으므로 엔드포인트를 다시 복사해 보세요. 자체 인증 기관을 쓰는 직접 운영 클러스터는 신뢰할 수 있는 인증서가 필요합니다.',
        ),
      }),
    },
  },
  timeout: {
    en: {
      message: (p) => {
        const s = seconds(p, 'timeoutMs');
        return s === undefined ? 'The cluster did not answer in time.' : `The cluster did not answer within ${s} s.`;
      },
      hint: fixed(
        'The deployment may be starting, overloaded or asleep. Wait a moment and try again, and check its health in the Elastic Cloud console.',
      ),
    },
    ko: {
      message: (p) => {
        const s = seconds(p, 'timeoutMs');
        return s === undefined ? '클러스터가 제때 응답하지 않았습니다.' : `클러스터가 ${s}초 안에 응답하지 않았습니다.`;
      },
      hint: fixed(
        '배포가 시작 중이거나 과부하 상태일 수 있습니다. 잠시 후 다시 시도하고, Elastic Cloud 콘솔에서 배포 상태를 확인하세요.',
      ),
    },
  },
  unauthorized: {
    en: {
      message: (p) =>
        param(p, 'authKind') === 'api_key'
          ? 'The cluster refused the API key (it may have expired or been invalidated).'
          : 'The cluster refused the user name or password.',
      hint: (p) =>
        param(p, 'authKind') === 'api_key'
          ? "Create a new API key in Kibana (Stack Management > API keys) and paste its encoded value, or use the elastic user's password."
          : "Copy the elastic user's password again from the deployment page (Elastic Cloud: Reset password), or use an API key.",
    },
    ko: {
      message: (p) =>
        param(p, 'authKind') === 'api_key'
          ? '클러스터가 API 키를 거부했습니다(만료되었거나 무효화되었을 수 있습니다).'
          : '클러스터가 사용자 이름 또는 비밀번호를 거부했습니다.',
      hint: (p) =>
        param(p, 'authKind') === 'api_key'
          ? 'Kibana(Stack Management > API keys)에서 새 API 키를 만들어 encoded 값을 붙여 넣거나, elastic 사용자의 비밀번호를 사용하세요.'
          : '배포 페이지에서 elastic 사용자의 비밀번호를 다시 복사하세요(Elastic Cloud: Reset password). 또는 API 키를 사용하세요.',
    },
  },
  forbidden: {
    en: {
      message: (p) => {
        const privileges = param(p, 'privileges');
        return privileges === undefined
          ? 'The cluster refused this action: your user lacks a privilege for it.'
          : `The cluster refused this action: your user lacks a privilege for it (one of: ${privileges}).`;
      },
      hint: fixed(
        'Connect as the elastic user, or give your user a role with the missing privilege (Kibana: Stack Management > Roles).',
      ),
    },
    ko: {
      message: (p) => {
        const privileges = param(p, 'privileges');
        return privileges === undefined
          ? '클러스터가 이 작업을 거부했습니다: 사용자에게 필요한 권한이 없습니다.'
          : `클러스터가 이 작업을 거부했습니다: 사용자에게 필요한 권한이 없습니다(다음 중 하나: ${privileges}).`;
      },
      hint: fixed('elastic 사용자로 연결하거나, 부족한 권한이 있는 역할을 사용자에게 주세요(Kibana: Stack Management > Roles).'),
    },
  },
  licence_required: {
    en: {
      message: (p) => {
        const feature = FEATURE_EN[param(p, 'feature') ?? ''] ?? 'This feature';
        const licence = param(p, 'licence');
        const needs = param(p, 'feature') === 'watcher' ? 'a Standard, Gold, Platinum, Enterprise or trial licence (not Basic)' : 'a Platinum, Enterprise or trial licence';
        return licence === undefined ? `${feature} needs ${needs}.` : `${feature} needs ${needs}; the cluster has a ${licence} licence.`;
      },
      hint: fixed(
        'Start the free 30-day trial in Kibana: Stack Management > License management > Start a 30-day trial. New Elastic Cloud trial deployments already include it.',
      ),
    },
    ko: {
      message: (p) => {
        const feature = FEATURE_KO[param(p, 'feature') ?? ''] ?? '이 기능';
        const licence = param(p, 'licence');
        const needs = param(p, 'feature') === 'watcher' ? 'Basic이 아닌 Standard, Gold, Platinum, Enterprise 또는 평가판(trial) 라이선스' : 'Platinum, Enterprise 또는 평가판(trial) 라이선스';
        return licence === undefined
          ? `${feature}에는 ${needs}가 필요합니다.`
          : `${feature}에는 ${needs}가 필요합니다. 클러스터의 라이선스는 ${licence}입니다.`;
      },
      hint: fixed(
        'Kibana의 Stack Management > License management에서 30일 무료 평가판을 시작하세요(Start a 30-day trial). 새 Elastic Cloud 평가판 배포에는 이미 포함되어 있습니다.',
      ),
    },
  },
  no_ml_node: {
    en: {
      message: fixed('The cluster has no machine learning node, so machine learning jobs cannot run.'),
      hint: fixed(
        "In the Elastic Cloud console, open the deployment, choose Edit (Manage) and enable Machine Learning (add ML capacity), save, and wait until it is running.",
      ),
    },
    ko: {
      message: fixed('클러스터에 머신러닝 노드가 없어 머신러닝 작업을 실행할 수 없습니다.'),
      hint: fixed(
        'Elastic Cloud 콘솔에서 배포를 열고 Edit(Manage)에서 Machine Learning을 켜고(ML 용량 추가) 저장한 뒤, 실행 중이 될 때까지 기다리세요.',
      ),
    },
  },
  index_missing: {
    en: {
      message: (p) => {
        const index = param(p, 'index');
        return index === undefined ? 'The index does not exist yet.' : `The index ${index} does not exist yet.`;
      },
      hint: (p) =>
        param(p, 'index') === 'flights'
          ? 'Import flights.csv into the index flights first (chapter 5, steps 5-8).'
          : 'No data has arrived yet. Is Metricbeat or Filebeat set up and running? Finish the previous step, then wait a few seconds.',
    },
    ko: {
      message: (p) => {
        const index = param(p, 'index');
        return index === undefined ? '인덱스가 아직 없습니다.' : `인덱스 ${index}이(가) 아직 없습니다.`;
      },
      hint: (p) =>
        param(p, 'index') === 'flights'
          ? '먼저 flights.csv를 flights 인덱스로 가져오세요(5장 5-8단계).'
          : '아직 데이터가 들어오지 않았습니다. Metricbeat나 Filebeat를 설정하고 실행했나요? 앞 단계를 마친 뒤 몇 초 기다리세요.',
    },
  },
  cluster_unavailable: {
    en: {
      message: byReason({
        red: fixed('The cluster health is red: some data is not available.'),
        unreachable: fixed('The cluster could not be reached (the connection was refused or dropped).'),
        unknown_deployment: fixed('Elastic Cloud does not know this deployment address (deleted or renamed?).'),
        disk_full: fixed('The cluster refuses writes because its disk is (nearly) full.'),
        practice: fixed('The practice cluster is not answering right now (it may be restarting).'),
        practice_disabled: fixed('The practice cluster is switched off on this guide.'),
        other: fixed('The cluster is not available right now.'),
      }),
      hint: byReason({
        unknown_deployment: fixed('Copy the Cloud ID or endpoint again from the deployment page in the Elastic Cloud console.'),
        practice: fixed('Wait a few seconds: the panel retries by itself. If it stays like this, tell the instructor (the guide\'s log says why), or connect your own cluster.'),
        practice_disabled: fixed('Connect your own cluster (an Elastic Cloud deployment) in chapter 1, or ask the instructor to turn the practice cluster on.'),
        disk_full: fixed('Delete old indices or add capacity to the deployment in the Elastic Cloud console.'),
        other: fixed(
          "Check the deployment's health in the Elastic Cloud console; it may be restarting or changing its configuration. The panel retries by itself.",
        ),
      }),
    },
    ko: {
      message: byReason({
        red: fixed('클러스터 상태가 빨간색(red)입니다: 일부 데이터를 사용할 수 없습니다.'),
        unreachable: fixed('클러스터에 접속할 수 없습니다(연결이 거부되었거나 끊어졌습니다).'),
        unknown_deployment: fixed('Elastic Cloud가 이 배포 주소를 알지 못합니다(삭제되었거나 이름이 바뀌었나요?).'),
        disk_full: fixed('디스크가 (거의) 가득 차서 클러스터가 쓰기를 거부합니다.'),
        practice: fixed('연습 클러스터가 지금 응답하지 않습니다(다시 시작하는 중일 수 있습니다).'),
        practice_disabled: fixed('이 가이드에서는 연습 클러스터가 꺼져 있습니다.'),
        other: fixed('지금은 클러스터를 사용할 수 없습니다.'),
      }),
      hint: byReason({
        unknown_deployment: fixed('Elastic Cloud 콘솔의 배포 페이지에서 Cloud ID나 엔드포인트를 다시 복사하세요.'),
        practice: fixed('몇 초 기다리세요. 패널은 스스로 다시 시도합니다. 계속 이러면 강사에게 알리거나(가이드 로그에 이유가 있습니다) 직접 만든 클러스터를 연결하세요.'),
        practice_disabled: fixed('1장에서 직접 만든 클러스터(Elastic Cloud 배포)를 연결하거나, 강사에게 연습 클러스터를 켜 달라고 하세요.'),
        disk_full: fixed('오래된 인덱스를 지우거나 Elastic Cloud 콘솔에서 배포의 용량을 늘리세요.'),
        other: fixed('Elastic Cloud 콘솔에서 배포 상태를 확인하세요. 재시작 중이거나 설정을 바꾸는 중일 수 있습니다. 패널은 스스로 다시 시도합니다.'),
      }),
    },
  },
  rate_limited: {
    en: {
      message: byReason({
        circuit_breaker: fixed('The cluster is short of memory for this request and asked to slow down.'),
        connect_attempts: fixed('Too many failed connection attempts: the cluster refused the credentials several times in a row.'),
        sign_ups: fixed('Too many new sign-ups from this network.'),
        practice_creations: fixed('You created many practice deployments in a short time.'),
        other: fixed('Too many requests: the cluster asked to slow down.'),
      }),
      hint: (p) => {
        const s = seconds(p, 'retryAfterSeconds');
        return s === undefined ? 'Wait a moment and try again; a shorter time range also helps.' : `Wait ${s} s and try again.`;
      },
    },
    ko: {
      message: byReason({
        circuit_breaker: fixed('클러스터의 메모리가 부족하여 요청을 줄여 달라고 했습니다.'),
        connect_attempts: fixed('연결 실패가 너무 많습니다: 클러스터가 인증 정보를 여러 번 연속으로 거부했습니다.'),
        sign_ups: fixed('이 네트워크에서 새로 시작한 사용자가 너무 많습니다.'),
        practice_creations: fixed('짧은 시간에 연습 배포를 너무 많이 만들었습니다.'),
        other: fixed('요청이 너무 많습니다: 클러스터가 요청을 줄여 달라고 했습니다.'),
      }),
      hint: (p) => {
        const s = seconds(p, 'retryAfterSeconds');
        return s === undefined ? '잠시 후 다시 시도하세요. 시간 범위를 줄이는 것도 도움이 됩니다.' : `${s}초 후에 다시 시도하세요.`;
      },
    },
  },
  not_connected: {
    en: {
      message: fixed('No cluster is connected yet.'),
      hint: fixed('Connect your cluster in chapter 1 (Cloud ID or URL, with a password or an API key), or use the practice cluster.'),
    },
    ko: {
      message: fixed('아직 연결된 클러스터가 없습니다.'),
      hint: fixed('1장에서 클러스터를 연결하세요(Cloud ID 또는 URL, 비밀번호 또는 API 키). 또는 연습용 클러스터를 사용하세요.'),
    },
  },
  not_signed_in: {
    en: {
      message: fixed('You are not signed in.'),
      hint: fixed("Join the workshop with the instructor's code and your name, or continue on your own."),
    },
    ko: {
      message: fixed('로그인하지 않았습니다.'),
      hint: fixed('강사가 알려 준 워크숍 코드와 이름으로 참가하거나, 혼자 진행하기를 선택하세요.'),
    },
  },
  role_required: {
    en: {
      message: (p) => (param(p, 'role') === 'instructor' ? 'Only the instructor can open this.' : 'Your sign-in does not allow this.'),
      hint: fixed('Sign in with the role this page needs (the instructor signs in with the instructor password).'),
    },
    ko: {
      message: (p) => (param(p, 'role') === 'instructor' ? '강사만 열 수 있습니다.' : '현재 로그인으로는 할 수 없는 작업입니다.'),
      hint: fixed('이 페이지에 맞는 역할로 로그인하세요. (강사는 강사 비밀번호로 로그인합니다.)'),
    },
  },
  version_too_old: {
    en: {
      message: (p) =>
        `The cluster runs Elasticsearch ${param(p, 'version') ?? '(an old version)'}; this guide needs ${param(p, 'minimum') ?? '7.6'} or newer.`,
      hint: fixed('Create a deployment with a current version (or upgrade this one) in the Elastic Cloud console, or use the practice cluster.'),
    },
    ko: {
      message: (p) =>
        `클러스터의 Elasticsearch 버전은 ${param(p, 'version') ?? '(오래된 버전)'}입니다. 이 가이드는 ${param(p, 'minimum') ?? '7.6'} 이상이 필요합니다.`,
      hint: fixed('Elastic Cloud 콘솔에서 최신 버전으로 배포를 만들거나 업그레이드하세요. 또는 연습용 클러스터를 사용하세요.'),
    },
  },
  version_unsupported: {
    en: {
      message: byReason({
        too_new: (p) => `Elasticsearch ${param(p, 'version') ?? ''} is newer than this guide supports (7.6 to 9.x).`,
        oss: fixed('This is the OSS distribution of Elasticsearch, which lacks the security, Watcher and machine learning features the workshop uses.'),
        other: (p) => `The Elasticsearch version ${param(p, 'version') ?? ''} is not supported.`,
      }),
      hint: fixed('Use an Elastic Cloud deployment (7.17, 8.x or 9.x) or the practice cluster.'),
    },
    ko: {
      message: byReason({
        too_new: (p) => `Elasticsearch ${param(p, 'version') ?? ''}은(는) 이 가이드가 지원하는 버전(7.6~9.x)보다 새 버전입니다.`,
        oss: fixed('OSS 배포판 Elasticsearch입니다. 워크숍에서 쓰는 보안, Watcher, 머신러닝 기능이 없습니다.'),
        other: (p) => `Elasticsearch 버전 ${param(p, 'version') ?? ''}은(는) 지원하지 않습니다.`,
      }),
      hint: fixed('Elastic Cloud 배포(7.17, 8.x, 9.x)나 연습용 클러스터를 사용하세요.'),
    },
  },
  not_elasticsearch: {
    en: {
      message: byReason({
        kibana: fixed('This address is Kibana, not Elasticsearch.'),
        opensearch: fixed('This server is OpenSearch, not Elasticsearch.'),
        other: fixed('The server at this address does not answer like Elasticsearch.'),
      }),
      hint: fixed(
        'Use the Elasticsearch endpoint (Elastic Cloud: "Copy endpoint" next to Elasticsearch) or the Cloud ID. A proxy in between may also strip the headers Elasticsearch sends.',
      ),
    },
    ko: {
      message: byReason({
        kibana: fixed('이 주소는 Elasticsearch가 아니라 Kibana입니다.'),
        opensearch: fixed('이 서버는 Elasticsearch가 아니라 OpenSearch입니다.'),
        other: fixed('이 주소의 서버는 Elasticsearch처럼 응답하지 않습니다.'),
      }),
      hint: fixed(
        'Elasticsearch 엔드포인트(Elastic Cloud: Elasticsearch 옆의 "Copy endpoint")나 Cloud ID를 사용하세요. 중간의 프록시가 Elasticsearch의 헤더를 지우는 경우도 있습니다.',
      ),
    },
  },
  invalid_request: {
    en: {
      message: (p) => {
        const field = param(p, 'field');
        const reason = param(p, 'reason');
        if (reason === 'filter_syntax') return filterSyntaxMessage(p, 'en');
        if (reason === 'control_characters') return `The value of ${field ?? 'a field'} contains control characters (such as NUL or a line break), which are not allowed.`;
        if (reason === 'not_a_date') return `The value of ${field ?? 'a field'} is not a real date (YYYY-MM-DD).`;
        if (field !== undefined) return `The value of ${field} is not valid${reason === undefined ? '.' : `: ${reason}`}`;
        return reason === undefined ? 'The request is not valid.' : `The request is not valid: ${reason}`;
      },
      hint: byReason({
        filter_syntax: fixed(
          'Write conditions as field: value, join them with and, or, not, and quote values that hold spaces, colons or parentheses, for example user.name: "hAx0R" and not process.name: sudo',
        ),
        control_characters: fixed('Type it again with letters, digits, spaces and punctuation only (text pasted from elsewhere can carry invisible characters).'),
        not_a_date: fixed('Pick a day that exists in the calendar, for example 2026-03-14.'),
        other: fixed('Check the values and try again.'),
      }),
    },
    ko: {
      message: (p) => {
        const field = param(p, 'field');
        const reason = param(p, 'reason');
        if (reason === 'filter_syntax') return filterSyntaxMessage(p, 'ko');
        if (reason === 'control_characters') return `${field ?? '입력'} 값에 제어 문자(NUL, 줄바꿈 등)가 들어 있어 사용할 수 없습니다.`;
        if (reason === 'not_a_date') return `${field ?? '입력'} 값이 실제로 있는 날짜가 아닙니다(YYYY-MM-DD).`;
        if (field !== undefined) return `${field} 값이 올바르지 않습니다${reason === undefined ? '.' : `: ${reason}`}`;
        return reason === undefined ? '요청이 올바르지 않습니다.' : `요청이 올바르지 않습니다: ${reason}`;
      },
      hint: byReason({
        filter_syntax: fixed(
          '조건은 필드: 값 형식으로 쓰고 and, or, not으로 이으세요. 공백, 콜론, 괄호가 든 값은 따옴표로 감싸세요. 예: user.name: "hAx0R" and not process.name: sudo',
        ),
        control_characters: fixed('글자, 숫자, 공백, 문장 부호만으로 다시 입력하세요(다른 곳에서 붙여 넣은 글에는 보이지 않는 문자가 섞여 있을 수 있습니다).'),
        not_a_date: fixed('달력에 있는 날짜를 고르세요. 예: 2026-03-14'),
        other: fixed('값을 확인하고 다시 시도하세요.'),
      }),
    },
  },
  practice_full: {
    en: {
      message: fixed('The practice cluster is full: it already holds as many practice deployments as it can.'),
      hint: (p) => {
        const s = seconds(p, 'retryAfterSeconds');
        const wait = s === undefined ? 'in a few minutes' : `in ${Math.max(1, Math.round(Number(s) / 60))} minutes`;
        return `Try again ${wait} (deployments nobody uses are removed after a while), or connect your own cluster with the form above.`;
      },
    },
    ko: {
      message: fixed('연습 클러스터가 가득 찼습니다: 만들 수 있는 만큼의 연습 배포가 이미 있습니다.'),
      hint: (p) => {
        const s = seconds(p, 'retryAfterSeconds');
        const wait = s === undefined ? '몇 분 뒤에' : `${Math.max(1, Math.round(Number(s) / 60))}분 뒤에`;
        return `${wait} 다시 시도하거나(쓰지 않는 배포는 얼마 뒤 지워집니다), 위의 양식으로 직접 만든 클러스터를 연결하세요.`;
      },
    },
  },
  practice_reclaimed: {
    en: {
      message: (p) => {
        const minutes = param(p, 'idleMinutes');
        return `Your practice deployment was removed after ${minutes === undefined ? 'a long time' : `${minutes} minutes`} without activity, to make room on the practice cluster.`;
      },
      hint: fixed('Press "Recreate the practice deployment" in the cluster status panel (chapter 1): you get a new one of the same version, and Metricbeat and Filebeat are set up and started again as you had them. Its data, watches and jobs are not brought back.'),
    },
    ko: {
      message: (p) => {
        const minutes = param(p, 'idleMinutes');
        return `연습 클러스터의 자리를 비우려고, ${minutes === undefined ? '오랫동안' : `${minutes}분 동안`} 사용하지 않은 연습 배포를 지웠습니다.`;
      },
      hint: fixed('클러스터 상태 패널(1장)에서 "연습 배포 다시 만들기"를 누르세요. 같은 버전의 새 배포가 만들어지고, Metricbeat와 Filebeat도 하던 대로 다시 설정하고 시작합니다. 이전 배포의 데이터, 워치, 작업은 되살아나지 않습니다.'),
    },
  },
  practice_lost: {
    en: {
      message: fixed('Your practice deployment no longer exists: the practice cluster was restarted and lost it.'),
      hint: fixed('Press "Recreate the practice deployment" in the cluster status panel (chapter 1): you get a new one of the same version, and Metricbeat and Filebeat are set up and started again as you had them. Its data, watches and jobs are not brought back.'),
    },
    ko: {
      message: fixed('연습 배포가 더 이상 없습니다: 연습 클러스터가 다시 시작되면서 배포를 잃었습니다.'),
      hint: fixed('클러스터 상태 패널(1장)에서 "연습 배포 다시 만들기"를 누르세요. 같은 버전의 새 배포가 만들어지고, Metricbeat와 Filebeat도 하던 대로 다시 설정하고 시작합니다. 이전 배포의 데이터, 워치, 작업은 되살아나지 않습니다.'),
    },
  },
  not_found: {
    en: { message: fixed('Not found.'), hint: fixed('Check the address, or go back to the start page.') },
    ko: { message: fixed('찾을 수 없습니다.'), hint: fixed('주소를 확인하거나 시작 페이지로 돌아가세요.') },
  },
  payload_too_large: {
    en: {
      message: byReason({
        body: (p) => `The request is too large: this address accepts at most ${kilobytes(p) ?? 'a limited size'}.`,
        depth: (p) => `The request nests its values too deeply (more than ${param(p, 'limit') ?? 'the allowed'} levels).`,
        entries: (p) => `The request holds too many values (more than ${param(p, 'limit') ?? 'the allowed number'}).`,
        length_required: fixed('The request did not say how large its body is.'),
        other: fixed('The request is too large.'),
      }),
      hint: fixed('Send less at once. If you pasted something, check that it is what you meant to paste.'),
    },
    ko: {
      message: byReason({
        body: (p) => `요청이 너무 큽니다: 이 주소는 최대 ${kilobytes(p) ?? '정해진 크기'}까지 받습니다.`,
        depth: (p) => `요청의 값이 너무 깊게 중첩되어 있습니다(${param(p, 'limit') ?? '허용된'}단계 초과).`,
        entries: (p) => `요청에 값이 너무 많습니다(${param(p, 'limit') ?? '허용된 수'}개 초과).`,
        length_required: fixed('요청 본문의 크기가 적혀 있지 않습니다.'),
        other: fixed('요청이 너무 큽니다.'),
      }),
      hint: fixed('한 번에 보내는 양을 줄이세요. 붙여 넣은 내용이 있다면 의도한 내용이 맞는지 확인하세요.'),
    },
  },
  internal: {
    en: {
      message: (p) => {
        const id = param(p, 'requestId');
        return id === undefined ? "Something went wrong on the guide's server." : `Something went wrong on the guide's server (request ${id}).`;
      },
      hint: fixed('Try again. If it keeps happening, tell the instructor the request number; the server log has the details.'),
    },
    ko: {
      message: (p) => {
        const id = param(p, 'requestId');
        return id === undefined ? '가이드 서버에서 문제가 생겼습니다.' : `가이드 서버에서 문제가 생겼습니다(요청 ${id}).`;
      },
      hint: fixed('다시 시도하세요. 계속되면 강사에게 요청 번호를 알려 주세요. 자세한 내용은 서버 로그에 있습니다.'),
    },
  },
  invalid_watch: {
    en: {
      message: (p) => {
        const where = [param(p, 'line') === undefined ? undefined : `line ${param(p, 'line')}`, param(p, 'field') === undefined ? undefined : `field ${param(p, 'field')}`].filter(Boolean).join(', ');
        return `The watch was not saved${where ? ` (${where})` : ''}: ${param(p, 'reason') ?? 'it is not a valid watch'}`;
      },
      hint: (p) =>
        param(p, 'line') !== undefined
          ? `Fix the watch at line ${param(p, 'line')} and save again; your text stays in the editor. Compare it with the watch printed in this step.`
          : 'Fix the watch and save again; your text stays in the editor. Compare it with the watch printed in this step.',
    },
    ko: {
      message: (p) => {
        const where = [param(p, 'line') === undefined ? undefined : `${param(p, 'line')}번째 줄`, param(p, 'field') === undefined ? undefined : `필드 ${param(p, 'field')}`].filter(Boolean).join(', ');
        return `워치를 저장하지 않았습니다${where ? `(${where})` : ''}: ${param(p, 'reason') ?? '올바른 워치가 아닙니다'}`;
      },
      hint: (p) =>
        param(p, 'line') !== undefined
          ? `${param(p, 'line')}번째 줄을 고친 뒤 다시 저장하세요. 입력한 내용은 편집기에 그대로 있습니다. 이 단계에 실린 워치와 비교해 보세요.`
          : '워치를 고친 뒤 다시 저장하세요. 입력한 내용은 편집기에 그대로 있습니다. 이 단계에 실린 워치와 비교해 보세요.',
    },
  },
  invalid_file: {
    en: {
      message: (p) => {
        const line = param(p, 'line');
        const detail = param(p, 'detail');
        const at = line === undefined ? '' : ` (line ${line})`;
        switch (param(p, 'reason')) {
          case 'too_large':
            return `The file is larger than ${param(p, 'limitMb') ?? 100} MB, the import limit (Kibana's default file size limit too).`;
          case 'empty':
            return 'The file is empty.';
          case 'not_text':
            return 'The file is not text: only delimited text (CSV, TSV) and NDJSON can be imported.';
          case 'format':
            return `The file was read as ${detail ?? 'another format'}, not CSV or NDJSON: only delimited text (CSV, TSV) and NDJSON can be imported here.`;
          case 'structure':
            return `Elasticsearch's structure finder could not read the file${at}${detail === undefined ? '.' : `: ${detail}`}`;
          case 'malformed':
            return `The file cannot be read at line ${line ?? '?'}${detail === undefined ? '.' : `: ${detail}`}`;
          case 'truncated':
            return 'The upload ended before the file did; the rows sent so far were imported.';
          default:
            return `The file cannot be imported${at}${detail === undefined ? '.' : `: ${detail}`}`;
        }
      },
      hint: (p) => {
        switch (param(p, 'reason')) {
          case 'too_large':
            return 'Split the file, or import it with Kibana (Machine Learning > Data Visualizer > File, up to its own limit). flights.csv is about 33 MB.';
          case 'truncated':
            return 'Import the same file again: rows already imported are replaced, not duplicated.';
          case 'format':
          case 'not_text':
            return 'Save the data as CSV (with a header row) or as NDJSON (one JSON object per line) and try again.';
          default:
            return 'Open the file in a text editor at that line (an unclosed quote, a broken header or a stray character), fix it and import it again.';
        }
      },
    },
    ko: {
      message: (p) => {
        const line = param(p, 'line');
        const detail = param(p, 'detail');
        const at = line === undefined ? '' : `(${line}번째 줄)`;
        switch (param(p, 'reason')) {
          case 'too_large':
            return `파일이 가져오기 한도인 ${param(p, 'limitMb') ?? 100}MB보다 큽니다(Kibana의 기본 파일 크기 한도와 같습니다).`;
          case 'empty':
            return '파일이 비어 있습니다.';
          case 'not_text':
            return '텍스트 파일이 아닙니다. 구분자 텍스트(CSV, TSV)와 NDJSON만 가져올 수 있습니다.';
          case 'format':
            return `파일이 CSV나 NDJSON이 아니라 ${detail ?? '다른 형식'}(으)로 읽혔습니다. 여기서는 구분자 텍스트(CSV, TSV)와 NDJSON만 가져올 수 있습니다.`;
          case 'structure':
            return `Elasticsearch 구조 분석기가 파일을 읽지 못했습니다${at}${detail === undefined ? '.' : `: ${detail}`}`;
          case 'malformed':
            return `${line ?? '?'}번째 줄에서 파일을 읽을 수 없습니다${detail === undefined ? '.' : `: ${detail}`}`;
          case 'truncated':
            return '파일이 끝나기 전에 업로드가 끊겼습니다. 그때까지 보낸 행은 가져왔습니다.';
          default:
            return `파일을 가져올 수 없습니다${at}${detail === undefined ? '.' : `: ${detail}`}`;
        }
      },
      hint: (p) => {
        switch (param(p, 'reason')) {
          case 'too_large':
            return '파일을 나누거나 Kibana(Machine Learning > Data Visualizer > File)로 가져오세요. flights.csv는 약 33MB입니다.';
          case 'truncated':
            return '같은 파일을 다시 가져오세요. 이미 가져온 행은 중복되지 않고 덮어씁니다.';
          case 'format':
          case 'not_text':
            return '데이터를 헤더 행이 있는 CSV나 NDJSON(한 줄에 JSON 객체 하나)으로 저장한 뒤 다시 시도하세요.';
          default:
            return '텍스트 편집기로 그 줄을 열어(닫히지 않은 따옴표, 깨진 헤더, 엉뚱한 문자) 고친 뒤 다시 가져오세요.';
        }
      },
    },
  },
  invalid_job: {
    en: {
      message: (p) => {
        const jobId = param(p, 'jobId') ?? '';
        const detail = param(p, 'detail');
        switch (param(p, 'reason')) {
          case 'id_format':
            return `Invalid job ID '${jobId}': it can contain lowercase letters (a-z), digits, hyphens or underscores, and must start and end with a letter or digit.`;
          case 'id_too_long':
            return 'The job ID cannot contain more than 64 characters.';
          case 'exists':
            return `A job with the ID '${jobId}' already exists and has already run.`;
          case 'no_data':
            return 'The index has no documents with a time stamp to analyse.';
          case 'field':
            return `The field ${param(p, 'field') ?? ''} is not a number field of the index, so it cannot be the job's metric.`;
          case 'bucket_span':
            return `'${detail ?? ''}' is not a bucket span: write a time interval such as 15m, 1h or 1d.`;
          default:
            return `Elasticsearch refused the job${detail === undefined ? '.' : `: ${detail}`}`;
        }
      },
      hint: (p) => {
        switch (param(p, 'reason')) {
          case 'exists':
            return 'Choose another job ID, or delete the job in Kibana (Machine Learning > Anomaly Detection > Jobs) and create it again.';
          case 'no_data':
            return 'Import flights.csv into the index flights first (steps 5-8).';
          default:
            return 'Correct the value and create the job again; nothing was created.';
        }
      },
    },
    ko: {
      message: (p) => {
        const jobId = param(p, 'jobId') ?? '';
        const detail = param(p, 'detail');
        switch (param(p, 'reason')) {
          case 'id_format':
            return `잘못된 Job ID '${jobId}': 소문자(a-z), 숫자, 하이픈, 밑줄만 쓸 수 있고 글자나 숫자로 시작하고 끝나야 합니다.`;
          case 'id_too_long':
            return 'Job ID는 64자를 넘을 수 없습니다.';
          case 'exists':
            return `ID가 '${jobId}'인 작업이 이미 있고 이미 실행되었습니다.`;
          case 'no_data':
            return '인덱스에 분석할 시간 값이 있는 문서가 없습니다.';
          case 'field':
            return `필드 ${param(p, 'field') ?? ''}은(는) 인덱스의 숫자 필드가 아니어서 작업의 지표로 쓸 수 없습니다.`;
          case 'bucket_span':
            return `'${detail ?? ''}'은(는) 버킷 간격이 아닙니다. 15m, 1h, 1d 같은 시간 간격으로 쓰세요.`;
          default:
            return `Elasticsearch가 작업을 거부했습니다${detail === undefined ? '.' : `: ${detail}`}`;
        }
      },
      hint: (p) => {
        switch (param(p, 'reason')) {
          case 'exists':
            return '다른 Job ID를 고르거나, Kibana(Machine Learning > Anomaly Detection > Jobs)에서 작업을 삭제하고 다시 만드세요.';
          case 'no_data':
            return '먼저 flights.csv를 flights 인덱스로 가져오세요(5-8단계).';
          default:
            return '값을 고친 뒤 작업을 다시 만드세요. 아무것도 만들어지지 않았습니다.';
        }
      },
    },
  },
};

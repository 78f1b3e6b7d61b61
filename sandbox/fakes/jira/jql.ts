/**
 * The slice of JQL the fake Jira understands: conjunctions (`AND`) of `field = value` and
 * `field in (v1, v2)` over project, fixVersion, key/issuekey/id/issue (keys or numeric ids, as in
 * Jira), status and issuetype/type, with an
 * optional `ORDER BY key [ASC|DESC]`. Anything else is a 400 with Jira-like error messages, never a
 * silent "match everything": a query the fake cannot evaluate must not look like one that matched.
 */
import type { JiraWorld, WorldIssue } from './world';

export type JqlField = 'project' | 'fixVersion' | 'key' | 'status' | 'issuetype';

export interface JqlClause {
  field: JqlField;
  values: string[];
}

export interface JqlQuery {
  clauses: JqlClause[];
  order: 'ASC' | 'DESC' | undefined;
}

export class JqlError extends Error {
  readonly messages: string[];
  constructor(messages: string[]) {
    super(messages.join(' '));
    this.name = 'JqlError';
    this.messages = messages;
  }
}

const FIELD_NAMES: Readonly<Record<string, JqlField>> = {
  project: 'project',
  fixversion: 'fixVersion',
  key: 'key',
  issuekey: 'key',
  id: 'key',
  issue: 'key',
  status: 'status',
  issuetype: 'issuetype',
  type: 'issuetype',
};

/** Fields real Jira has that the fake cannot evaluate: named so the error says what to add. */
const KNOWN_BUT_UNSUPPORTED = new Set([
  'assignee',
  'reporter',
  'created',
  'updated',
  'resolution',
  'labels',
  'component',
  'sprint',
  'text',
  'summary',
  'priority',
]);

interface Token {
  kind: 'word' | 'string' | 'punct';
  text: string;
  /** 1-based character position, as Jira reports it. */
  at: number;
}

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const ch = jql.charAt(i);
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',' || ch === '=') {
      tokens.push({ kind: 'punct', text: ch, at: i + 1 });
      i++;
    } else if (ch === '!' || ch === '<' || ch === '>' || ch === '~') {
      const op = /^(!=|!~|<=|>=|<|>|~)/.exec(jql.slice(i))?.[0] ?? ch;
      tokens.push({ kind: 'punct', text: op, at: i + 1 });
      i += op.length;
    } else if (ch === '"' || ch === "'") {
      let text = '';
      let j = i + 1;
      for (; j < jql.length && jql.charAt(j) !== ch; j++) {
        if (jql.charAt(j) === '\\' && j + 1 < jql.length) j++;
        text += jql.charAt(j);
      }
      if (j >= jql.length)
        throw new JqlError([
          `Error in the JQL Query: The quoted string '${text}' has not been completed. (line 1, character ${i + 1})`,
        ]);
      tokens.push({ kind: 'string', text, at: i + 1 });
      i = j + 1;
    } else {
      const word = /^[^\s(),=!<>~"']+/.exec(jql.slice(i))?.[0] ?? ch;
      tokens.push({ kind: 'word', text: word, at: i + 1 });
      i += word.length;
    }
  }
  return tokens;
}

function isKeyword(token: Token | undefined, keyword: string): boolean {
  return token?.kind === 'word' && token.text.toUpperCase() === keyword;
}

function unexpected(expecting: string, token: Token | undefined, end: number): JqlError {
  return token
    ? new JqlError([
        `Error in the JQL Query: Expecting ${expecting} but got '${token.text}'. (line 1, character ${token.at})`,
      ])
    : new JqlError([
        `Error in the JQL Query: Expecting ${expecting} before the end of the query. (line 1, character ${end})`,
      ]);
}

export function parseJql(jql: string): JqlQuery {
  const tokens = tokenize(jql);
  const end = jql.length + 1;
  let pos = 0;
  const next = (): Token | undefined => tokens[pos++];
  const peek = (): Token | undefined => tokens[pos];

  const clauses: JqlClause[] = [];
  let order: JqlQuery['order'];

  const readValue = (): string => {
    const token = next();
    if (!token || token.kind === 'punct') throw unexpected('a value', token, end);
    if (token.kind === 'word' && peek()?.text === '(') {
      throw new JqlError([
        `The fake Jira does not support the JQL function '${token.text}()'. (line 1, character ${token.at})`,
      ]);
    }
    if (token.kind === 'word' && (isKeyword(token, 'EMPTY') || isKeyword(token, 'NULL'))) {
      throw new JqlError([`The fake Jira does not support '${token.text}' in JQL. (line 1, character ${token.at})`]);
    }
    return token.text;
  };

  while (pos < tokens.length && !isKeyword(peek(), 'ORDER')) {
    if (clauses.length > 0) {
      const conj = next();
      if (isKeyword(conj, 'OR'))
        throw new JqlError([
          `The fake Jira supports only AND between clauses, not 'OR'. (line 1, character ${conj?.at ?? end})`,
        ]);
      if (!isKeyword(conj, 'AND')) throw unexpected("either 'AND' or 'ORDER BY'", conj, end);
    }
    const fieldToken = next();
    if (!fieldToken || fieldToken.kind === 'punct') throw unexpected('a field name', fieldToken, end);
    if (isKeyword(fieldToken, 'NOT'))
      throw new JqlError([`The fake Jira does not support 'NOT'. (line 1, character ${fieldToken.at})`]);
    const field = FIELD_NAMES[fieldToken.text.toLowerCase()];
    if (!field) {
      throw new JqlError([
        KNOWN_BUT_UNSUPPORTED.has(fieldToken.text.toLowerCase())
          ? `The fake Jira cannot search by '${fieldToken.text}' yet.`
          : `Field '${fieldToken.text}' does not exist or you do not have permission to view it.`,
      ]);
    }
    const op = next();
    if (op?.text === '=') {
      clauses.push({ field, values: [readValue()] });
    } else if (isKeyword(op, 'IN')) {
      const fn = peek();
      if (fn?.kind === 'word' && tokens[pos + 1]?.text === '(') {
        throw new JqlError([
          `The fake Jira does not support the JQL function '${fn.text}()'. (line 1, character ${fn.at})`,
        ]);
      }
      const open = next();
      if (open?.text !== '(') throw unexpected("'('", open, end);
      const values = [readValue()];
      for (let sep = next(); sep?.text !== ')'; sep = next()) {
        if (sep?.text !== ',') throw unexpected("either ',' or ')'", sep, end);
        values.push(readValue());
      }
      clauses.push({ field, values });
    } else if (
      op &&
      (op.kind === 'punct' ||
        isKeyword(op, 'NOT') ||
        isKeyword(op, 'IS') ||
        isKeyword(op, 'WAS') ||
        isKeyword(op, 'CHANGED'))
    ) {
      throw new JqlError([`The fake Jira supports only '=' and 'in', not '${op.text}'. (line 1, character ${op.at})`]);
    } else {
      throw unexpected("an operator ('=' or 'in')", op, end);
    }
  }

  if (isKeyword(peek(), 'ORDER')) {
    next();
    const by = next();
    if (!isKeyword(by, 'BY')) throw unexpected("'BY'", by, end);
    const sortField = next();
    if (!sortField || FIELD_NAMES[sortField.text.toLowerCase()] !== 'key') {
      throw new JqlError([
        sortField
          ? `The fake Jira can only sort by key, not '${sortField.text}'.`
          : "Error in the JQL Query: Expecting a field name after 'ORDER BY'.",
      ]);
    }
    const direction = peek();
    if (isKeyword(direction, 'ASC') || isKeyword(direction, 'DESC')) {
      next();
      order = direction?.text.toUpperCase() === 'DESC' ? 'DESC' : 'ASC';
    } else {
      order = 'ASC';
    }
    const extra = next();
    if (extra) throw unexpected('the end of the query', extra, end);
  }

  if (clauses.length === 0) {
    throw new JqlError(['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
  }
  return { clauses, order };
}

const ISSUE_KEY = /^[A-Z][A-Z0-9_]+-[1-9]\d*$/;
/** Names every Jira site has, so `status = Done` is valid before any issue is done. */
const DEFAULT_STATUSES = ['to do', 'in progress', 'done'];
const DEFAULT_ISSUE_TYPES = ['story', 'task', 'bug', 'epic', 'subtask'];

/**
 * Resolves the query against the world (values that name nothing are errors, as in Jira) and returns
 * the matching issues the caller can see. `visible` hides projects the caller cannot browse.
 */
/** Runs the query over `issues` (by default every issue; the fake's search passes what its index shows). */
export function runJql(
  world: JiraWorld,
  query: JqlQuery,
  visible: (issue: WorldIssue) => boolean,
  issues: readonly WorldIssue[] = world.allIssues(),
): WorldIssue[] {
  const tests: Array<(issue: WorldIssue) => boolean> = [];
  const errors: string[] = [];
  for (const clause of query.clauses) {
    switch (clause.field) {
      case 'project': {
        const ids = new Set<string>();
        for (const value of clause.values) {
          const project = world.project(value);
          if (project) ids.add(project.id);
          else errors.push(`The value '${value}' does not exist for the field 'project'.`);
        }
        tests.push((issue) => ids.has(issue.projectId));
        break;
      }
      case 'fixVersion': {
        const ids = new Set<string>();
        for (const value of clause.values) {
          const byId = world.version(value);
          // By name, a version matches in every project that has one with that name.
          const byName = world.allVersions().filter((v) => v.name.toLowerCase() === value.toLowerCase());
          if (byId) ids.add(byId.id);
          for (const version of byName) ids.add(version.id);
          if (!byId && byName.length === 0)
            errors.push(`The value '${value}' does not exist for the field 'fixVersion'.`);
        }
        tests.push((issue) => issue.fixVersionIds.some((id) => ids.has(id)));
        break;
      }
      case 'key': {
        const keys = new Set<string>();
        for (const value of clause.values) {
          const byId = /^\d+$/.test(value) ? world.issueByIdOrKey(value) : undefined;
          const key = byId?.key ?? value.toUpperCase();
          const issue = world.issue(key);
          if (!byId && !ISSUE_KEY.test(key)) errors.push(`The issue key '${value}' for field 'key' is invalid.`);
          else if (!issue || !visible(issue))
            errors.push(`An issue with key '${value}' does not exist for field 'key'.`);
          else keys.add(key);
        }
        tests.push((issue) => keys.has(issue.key));
        break;
      }
      case 'status':
      case 'issuetype': {
        const wanted = new Set(clause.values.map((v) => v.toLowerCase()));
        const known = new Set([
          ...(clause.field === 'status' ? DEFAULT_STATUSES : DEFAULT_ISSUE_TYPES),
          ...world.allIssues().map((i) => (clause.field === 'status' ? i.status : i.type).toLowerCase()),
        ]);
        for (const value of clause.values) {
          if (!known.has(value.toLowerCase()))
            errors.push(`The value '${value}' does not exist for the field '${clause.field}'.`);
        }
        tests.push((issue) => wanted.has((clause.field === 'status' ? issue.status : issue.type).toLowerCase()));
        break;
      }
    }
  }
  if (errors.length > 0) throw new JqlError(errors);
  const matches = issues.filter((issue) => visible(issue) && tests.every((test) => test(issue)));
  if (query.order) {
    const sign = query.order === 'DESC' ? -1 : 1;
    matches.sort((a, b) => sign * compareKeys(a.key, b.key));
  }
  return matches;
}

function compareKeys(a: string, b: string): number {
  const [pa = '', na = '0'] = a.split('-');
  const [pb = '', nb = '0'] = b.split('-');
  return pa === pb ? Number(na) - Number(nb) : pa < pb ? -1 : 1;
}

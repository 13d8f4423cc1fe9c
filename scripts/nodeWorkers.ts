// A Vite plugin for the Node builds (the host and CLI, Electron main): a
// worker_threads module must be a file of its own at run time, but Vite
// leaves `new URL('./x.worker.ts', import.meta.url)` alone in a server
// build, pointing at a .ts file next to a bundle. This plugin finds that
// expression in our code, emits the module (and what it imports) as a chunk
// `workers/<name>.worker.js`, and rewrites the URL to the emitted file,
// relative to the chunk that names it, wherever that chunk lands.
// Any other mention of a `.worker.ts` file in code fails the build, so a
// worker cannot silently be left behind. See src/core/workers/index.ts.
import { basename, dirname, posix, relative, resolve } from 'node:path';
import type { Plugin } from 'vite';

interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const workerFile = /\.worker\.ts$/;
const placeholder = (ref: string) => `__BOOTH_WORKER_${ref}__`;

export function nodeWorkers(): Plugin {
  // Emitted file name → the module it came from, to refuse two workers of the same name.
  const emitted = new Map<string, string>();
  return {
    name: 'booth-node-workers',
    apply: 'build',
    transform(code, id) {
      if (id.includes('/node_modules/') || !code.includes('.worker.ts')) return null;
      const edits: Array<{ start: number; end: number; text: string }> = [];
      const visit = (node: AstNode, parent: AstNode | undefined) => {
        if (isStringLiteral(node) && workerFile.test(node.value)) {
          if (!parent || !isWorkerUrl(parent) || !isWorkerUrlArgument(node, parent)) {
            this.error(`${id}: name a worker module only as new URL('./name.worker.ts', import.meta.url) (found "${node.value}")`);
          }
          const file = resolve(dirname(id), node.value);
          const fileName = `workers/${basename(file, '.ts')}.js`;
          const earlier = emitted.get(fileName);
          if (earlier && earlier !== file) this.error(`two worker modules would both be emitted as ${fileName}: ${earlier} and ${file}`);
          emitted.set(fileName, file);
          const ref = this.emitFile({ type: 'chunk', id: file, fileName });
          edits.push({ start: node.start, end: node.end, text: JSON.stringify(placeholder(ref)) });
        }
        if (node.type === 'TemplateLiteral' && JSON.stringify(node.quasis).includes('.worker.ts')) {
          this.error(`${id}: name a worker module only as new URL('./name.worker.ts', import.meta.url), not in a template literal`);
        }
        for (const value of Object.values(node)) {
          for (const child of Array.isArray(value) ? value : [value]) {
            if (isNode(child)) visit(child, node);
          }
        }
      };
      visit(this.parse(code) as unknown as AstNode, undefined);
      if (edits.length === 0) return null;
      let out = code;
      for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
      return { code: out, map: null };
    },
    renderChunk(code, chunk) {
      if (!code.includes('__BOOTH_WORKER_')) return null;
      const out = code.replace(/__BOOTH_WORKER_([A-Za-z0-9_$-]+?)__/g, (_match, ref: string) => {
        const target = relative(dirname(chunk.fileName), this.getFileName(ref)).split('\\').join(posix.sep);
        return target.startsWith('.') ? target : `./${target}`;
      });
      return { code: out, map: null };
    },
  };
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function isStringLiteral(node: AstNode): node is AstNode & { value: string } {
  return node.type === 'Literal' && typeof node.value === 'string';
}

/** `new URL(<literal>, import.meta.url)` */
function isWorkerUrl(node: AstNode): boolean {
  if (node.type !== 'NewExpression') return false;
  const callee = node.callee as AstNode | undefined;
  const args = node.arguments as AstNode[] | undefined;
  if (callee?.type !== 'Identifier' || callee.name !== 'URL' || args?.length !== 2) return false;
  const base = args[1]!;
  const meta = base.object as AstNode | undefined;
  const property = base.property as AstNode | undefined;
  return base.type === 'MemberExpression' && meta?.type === 'MetaProperty' && property?.type === 'Identifier' && property.name === 'url';
}

function isWorkerUrlArgument(node: AstNode, parent: AstNode): boolean {
  return (parent.arguments as AstNode[])[0] === node && /^\.\.?\//.test((node as AstNode & { value: string }).value);
}

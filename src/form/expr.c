/* The expression language of XLSForm: the XPath 1.0 subset that relevant,
 * constraint, calculation, choice_filter, required and default use, parsed
 * once into an arena AST and evaluated per submission with ODK (JavaRosa)
 * semantics. */
#include "form/form.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* ---- the tree -------------------------------------------------------------- */

typedef enum { E_NUM, E_STR, E_REF, E_PATH, E_FUNC, E_BIN, E_NEG } ekind;

enum {
  OP_OR,
  OP_AND,
  OP_EQ,
  OP_NE,
  OP_LT,
  OP_LE,
  OP_GT,
  OP_GE,
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_DIV,
  OP_MOD,
  OP_UNION
};

/* One step of a location path. */
typedef enum { S_NAME, S_SELF, S_PARENT, S_ANY, S_NODE, S_DESC } skind;
typedef struct step {
  skind k;
  const char *name; /* S_NAME: the local name, prefix removed */
  int npred;
  mtm_expr **preds;
} step;

struct mtm_expr {
  ekind k;
  int pos;         /* 1-based character position in the source */
  double num;      /* E_NUM */
  const char *s;   /* E_STR text, E_REF name, E_FUNC name as written */
  int op;          /* E_BIN */
  mtm_expr *l, *r; /* E_BIN operands, E_NEG operand */
  int nargs;       /* E_FUNC arguments */
  mtm_expr **args;
  mtm_expr *base; /* E_PATH: a filter expression the path starts from */
  int npred;      /* E_PATH: predicates on the base */
  mtm_expr **preds;
  int absolute; /* E_PATH: starts at the root */
  int nsteps;
  step *steps;
};

/* ---- the lexer ------------------------------------------------------------- */

typedef enum {
  T_EOF,
  T_NUM,
  T_STR,
  T_REF,
  T_NAME,
  T_STAR,
  T_SLASH,
  T_DSLASH,
  T_DOT,
  T_DDOT,
  T_LP,
  T_RP,
  T_LB,
  T_RB,
  T_COMMA,
  T_PIPE,
  T_PLUS,
  T_MINUS,
  T_EQ,
  T_NE,
  T_LT,
  T_LE,
  T_GT,
  T_GE,
  T_AT,
  T_DCOLON,
  T_BAD /* the lexer stopped here; its message is in parser.bad */
} tkind;

typedef struct tok {
  tkind k;
  int off, len; /* byte offset and length in the source */
  int op;       /* T_NAME: the operator and, or, div or mod (read where an
                   operator may stand); T_STAR: multiplication, not "any" */
  double num;
  const char *text; /* T_STR contents, T_REF name, T_NAME as written */
} tok;

typedef struct parser {
  mtm_arena *a;
  const char *src;
  tok *t;
  int nt, i;
  int depth;
  mtm_err *err;
  int failed;
  char bad[512]; /* why the lexer stopped, reported if the parser gets there */
} parser;

/* The 1-based character (not byte) position of a byte offset. */
static int charpos(const char *src, int off) {
  int n = 1;
  for (int i = 0; i < off && src[i]; i++)
    if (((unsigned char)src[i] & 0xC0) != 0x80) n++;
  return n;
}

/* The byte length of the name character at s (a letter, "_", and after
 * the first also digits, ".", "-" and combining marks), or 0. Non-ASCII
 * letters count, so questions and choices may be named in Cyrillic. */
static int name_len(const char *s, int first) {
  unsigned char c = (unsigned char)*s;
  if (c < 0x80) {
    if (isalpha(c) || c == '_') return 1;
    return !first && (isdigit(c) || c == '.' || c == '-') ? 1 : 0;
  }
  utf8proc_int32_t cp;
  utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, 4, &cp);
  if (n <= 0) return 0;
  utf8proc_category_t k = utf8proc_category(cp);
  int letter = k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL ||
               k == UTF8PROC_CATEGORY_LT || k == UTF8PROC_CATEGORY_LM ||
               k == UTF8PROC_CATEGORY_LO || k == UTF8PROC_CATEGORY_NL;
  int other = k == UTF8PROC_CATEGORY_ND || k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_MC ||
              k == UTF8PROC_CATEGORY_PC;
  return letter || (!first && other) ? (int)n : 0;
}
static int name_start_at(const char *s) { return name_len(s, 1); }
/* The length of the name starting at s (0 if none). */
static int name_span(const char *s) {
  int i = name_len(s, 1), k;
  if (!i) return 0;
  while ((k = name_len(s + i, 0)) > 0) i += k;
  return i;
}

/* Records why the lexer stopped; the parser reports it only if nothing
 * before it is wrong, so errors come out in reading order. */
static int lexfail(parser *p, const char *fmt, ...) MTM_PRINTF(2, 3);
static int lexfail(parser *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->bad, sizeof p->bad, fmt, ap);
  va_end(ap);
  return 1;
}

static int fail(parser *p, int off, const char *fmt, ...) MTM_PRINTF(3, 4);
static int fail(parser *p, int off, const char *fmt, ...) {
  if (p->failed) return MTM_EINVAL;
  p->failed = 1;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  (void)off;
  return mtm_err_set(p->err, MTM_EINVAL, "%s", msg);
}

/* The length in bytes of the UTF-8 character at s. */
/* 1 when s starts with a typographic quote: ‘ ’ “ ” (three bytes each). */
static int typographic_quote(const char *s) {
  return strncmp(s, "\u2018", 3) == 0 || strncmp(s, "\u2019", 3) == 0 ||
         strncmp(s, "\u201C", 3) == 0 || strncmp(s, "\u201D", 3) == 0;
}

static int u8len(const char *s) {
  unsigned char c = (unsigned char)*s;
  int n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  for (int i = 1; i < n; i++)
    if (!s[i]) return i;
  return n;
}

/* The length of the operator name (and, or, div, mod, in any case) that
 * starts s, or 0. Like JavaRosa's lexer, the name need not end there: where
 * an operator may stand, ".=0 or.<=5" and "1and${b}" hold one. */
static int opname_at(const char *s, const char **canon) {
  static const char *ops[] = {"and", "or", "div", "mod"};
  for (int k = 0; k < 4; k++) {
    size_t n = strlen(ops[k]);
    if (strncasecmp(s, ops[k], n) == 0) {
      *canon = ops[k];
      return (int)n;
    }
  }
  return 0;
}

/* Whether a token ends an operand, so that what follows it is an operator:
 * XPath 1.0's rule (section 3.7) as JavaRosa applies it. */
static int ends_operand(const tok *t) {
  switch (t->k) {
  case T_NUM:
  case T_STR:
  case T_REF:
  case T_RP:
  case T_RB:
  case T_DOT:
  case T_DDOT:
    return 1;
  case T_NAME:
    return !t->op;
  case T_STAR:
    return !t->op;
  default:
    return 0;
  }
}

/* Splits the source into tokens. As in XPath 1.0 and JavaRosa, what a token
 * is depends on the one before it: after an operand, a name that starts
 * with and, or, div or mod is that operator and "*" multiplies; elsewhere
 * they are names and the wildcard. */
static int lex(parser *p) {
  const char *s = p->src;
  int cap = 16, n = 0;
  p->t = mtm_arena_alloc(p->a, sizeof(tok) * (size_t)cap);
  int i = 0;
  for (;;) {
    int after_operand = n > 0 && ends_operand(&p->t[n - 1]);
    while (s[i] && isspace((unsigned char)s[i])) i++;
    if (n + 1 >= cap) {
      tok *g = mtm_arena_alloc(p->a, sizeof(tok) * (size_t)cap * 2);
      memcpy(g, p->t, sizeof(tok) * (size_t)n);
      p->t = g;
      cap *= 2;
    }
    tok *t = &p->t[n];
    memset(t, 0, sizeof *t);
    t->off = i;
    unsigned char c = (unsigned char)s[i];
    if (!c) {
      t->k = T_EOF;
      n++;
      break;
    }
    const char *canon;
    int oplen = after_operand ? opname_at(s + i, &canon) : 0;
    if (oplen) {
      t->k = T_NAME;
      t->op = 1;
      t->text = canon;
      i += oplen;
    } else if (isdigit(c) || (c == '.' && isdigit((unsigned char)s[i + 1]))) {
      int j = i;
      while (isdigit((unsigned char)s[j])) j++;
      if (s[j] == '.') {
        j++;
        while (isdigit((unsigned char)s[j])) j++;
      }
      char tmp[64];
      int k = j - i < 63 ? j - i : 63;
      memcpy(tmp, s + i, (size_t)k);
      tmp[k] = 0;
      t->k = T_NUM;
      t->num = strtod(tmp, NULL);
      i = j;
    } else if (c == '\'' || c == '"') {
      const char *e = strchr(s + i + 1, c);
      if (!e) {
        lexfail(p, "the text in quotes starting at character %d has no closing %s", charpos(s, i),
                c == '\'' ? "quote (')" : "double quote (\")");
        goto stop;
      }
      t->k = T_STR;
      t->text = mtm_arena_strndup(p->a, s + i + 1, (size_t)(e - s - i - 1));
      i = (int)(e - s) + 1;
    } else if (typographic_quote(s + i)) {
      /* Word and Excel turn ' into ‘ or ’ as one types: read a pair of
       * typographic quotes as string delimiters rather than refuse a form
       * whose author never saw the difference. */
      int j = i + 3;
      while (s[j] && !typographic_quote(s + j)) j++;
      if (!s[j]) {
        lexfail(p, "the text in typographic quotes starting at character %d has no closing quote",
                charpos(s, i));
        goto stop;
      }
      t->k = T_STR;
      t->text = mtm_arena_strndup(p->a, s + i + 3, (size_t)(j - i - 3));
      i = j + 3;
    } else if (c == '$' && s[i + 1] == '{') {
      const char *e = strchr(s + i + 2, '}');
      if (!e) {
        lexfail(p, "'${' at character %d has no closing '}'", charpos(s, i));
        goto stop;
      }
      int ok = e > s + i + 2 && name_span(s + i + 2) == (int)(e - s - i - 2);
      if (!ok) {
        lexfail(p, "'%.*s' at character %d is not a question name", (int)(e - s - i + 1), s + i,
                charpos(s, i));
        goto stop;
      }
      t->k = T_REF;
      t->text = mtm_arena_strndup(p->a, s + i + 2, (size_t)(e - s - i - 2));
      i = (int)(e - s) + 1;
    } else if (c == '$' && name_start_at(s + i + 1)) {
      /* An XPath variable $x: XLSForm has none, read it as ${x}. */
      int j = i + 1 + name_span(s + i + 1);
      t->k = T_REF;
      t->text = mtm_arena_strndup(p->a, s + i + 1, (size_t)(j - i - 1));
      i = j;
    } else if (name_start_at(s + i)) {
      int j = i + name_span(s + i);
      /* A prefix: "jr:choice-name", "prefix:*"; not the axis "::". */
      if (s[j] == ':' && s[j + 1] != ':' && (name_start_at(s + j + 1) || s[j + 1] == '*')) {
        j++;
        if (s[j] == '*')
          j++;
        else
          j += name_span(s + j);
      }
      t->k = T_NAME;
      t->text = mtm_arena_strndup(p->a, s + i, (size_t)(j - i));
      i = j;
    } else {
      int two = 0;
      switch (c) {
      case '/':
        t->k = s[i + 1] == '/' ? (two = 1, T_DSLASH) : T_SLASH;
        break;
      case '.':
        t->k = s[i + 1] == '.' ? (two = 1, T_DDOT) : T_DOT;
        break;
      case '(':
        t->k = T_LP;
        break;
      case ')':
        t->k = T_RP;
        break;
      case '[':
        t->k = T_LB;
        break;
      case ']':
        t->k = T_RB;
        break;
      case ',':
        t->k = T_COMMA;
        break;
      case '|':
        t->k = T_PIPE;
        break;
      case '+':
        t->k = T_PLUS;
        break;
      case '-':
        t->k = T_MINUS;
        break;
      case '*':
        t->k = T_STAR;
        t->op = after_operand;
        break;
      case '@':
        t->k = T_AT;
        break;
      case '=':
        t->k = T_EQ;
        break;
      case '<':
        t->k = s[i + 1] == '=' ? (two = 1, T_LE) : T_LT;
        break;
      case '>':
        t->k = s[i + 1] == '=' ? (two = 1, T_GE) : T_GT;
        break;
      case '!':
        if (s[i + 1] != '=') goto bad;
        t->k = T_NE;
        two = 1;
        break;
      case ':':
        if (s[i + 1] != ':') goto bad;
        t->k = T_DCOLON;
        two = 1;
        break;
      default:
      bad:
        {
          lexfail(p, "unexpected character '%.*s' at character %d", u8len(s + i), s + i,
                  charpos(s, i));
          goto stop;
        }
      }
      i += 1 + two;
    }
    t->len = i - t->off;
    n++;
    continue;
  stop:
    /* The parser reports this when it reaches it. */
    t = &p->t[n];
    t->k = T_BAD;
    t->off = i;
    t->len = 1;
    n++;
    break;
  }
  p->nt = n;
  p->i = 0;
  return 0;
}

/* ---- the parser ------------------------------------------------------------ */

static tok *peek(parser *p) { return &p->t[p->i]; }
static tok *peek2(parser *p) { return &p->t[p->i + 1 < p->nt ? p->i + 1 : p->nt - 1]; }
static tok *next(parser *p) {
  tok *t = &p->t[p->i];
  if (t->k != T_EOF) p->i++;
  return t;
}
static int is_opname(tok *t, const char *name) {
  return t->k == T_NAME && t->op && strcmp(t->text, name) == 0;
}

static mtm_expr *node(parser *p, ekind k, const tok *at) {
  mtm_expr *e = mtm_arena_zalloc(p->a, sizeof *e);
  e->k = k;
  e->pos = charpos(p->src, at->off);
  return e;
}

/* Complains about the token t, which cannot stand where it is. */
static mtm_expr *unexpected(parser *p, tok *t) {
  if (t->k == T_BAD)
    fail(p, t->off, "%s", p->bad);
  else if (t->k == T_EOF)
    fail(p, t->off, "the expression ends where a value was expected");
  else
    fail(p, t->off, "unexpected '%.*s' at character %d", t->len, p->src + t->off,
         charpos(p->src, t->off));
  return NULL;
}

static mtm_expr *parse_or(parser *p);

/* Appends to a growing arena array of expression pointers. */
static void push(parser *p, mtm_expr ***arr, int *n, mtm_expr *e) {
  if ((*n & (*n - 1)) == 0) { /* 0, 1, 2, 4, ...: grow to the next power */
    mtm_expr **g = mtm_arena_alloc(p->a, sizeof *g * (size_t)(*n ? *n * 2 : 1));
    if (*n) memcpy(g, *arr, sizeof *g * (size_t)*n);
    *arr = g;
  }
  (*arr)[(*n)++] = e;
}

/* Predicate*: "[" Expr "]" ... */
static int parse_preds(parser *p, mtm_expr ***preds, int *npred) {
  while (peek(p)->k == T_LB) {
    tok *open = next(p);
    mtm_expr *e = parse_or(p);
    if (!e) return -1;
    if (peek(p)->k != T_RB) {
      if (peek(p)->k == T_EOF)
        fail(p, open->off, "missing ']' to close the '[' at character %d",
             charpos(p->src, open->off));
      else
        unexpected(p, peek(p));
      return -1;
    }
    next(p);
    push(p, preds, npred, e);
  }
  return 0;
}

/* Whether the next token starts a step. At the start of an operand (not
 * after "/") a "*" is a misplaced multiplication, not a wildcard. */
static int can_start_step_at(parser *p, int after_slash) {
  tok *t = peek(p);
  if (t->k == T_STAR) {
    if (after_slash) return 1;
    /* "count(*)": the wildcard as a whole step; "1 + * 2" is a slip. */
    tkind nx = peek2(p)->k;
    return !t->op && (nx == T_SLASH || nx == T_DSLASH || nx == T_LB || nx == T_RP ||
                      nx == T_RB || nx == T_COMMA || nx == T_EOF || nx == T_PIPE);
  }
  if (t->k == T_DOT || t->k == T_DDOT || t->k == T_AT) return 1;
  if (t->k != T_NAME || t->op) return 0;
  /* XPath would read an operator name here as an element name; in XLSForm
   * it is always a slip ("and and"), so report it as the operator. */
  if (!strcmp(t->text, "and") || !strcmp(t->text, "or") || !strcmp(t->text, "div") ||
      !strcmp(t->text, "mod"))
    return 0;
  if (peek2(p)->k == T_LP) {
    /* A name followed by "(" is a function, except the node tests. */
    return strcmp(t->text, "node") == 0 || strcmp(t->text, "text") == 0;
  }
  return 1;
}

/* Step: "." | ".." | (axis "::" | "@")? NodeTest Predicate* */
static int parse_step(parser *p, mtm_expr *path) {
  step st = {0};
  tok *t = next(p);
  if (t->k == T_DOT)
    st.k = S_SELF;
  else if (t->k == T_DDOT)
    st.k = S_PARENT;
  else {
    if (t->k == T_AT)
      t = next(p);
    else if (t->k == T_NAME && peek(p)->k == T_DCOLON) {
      next(p);
      t = next(p);
    }
    if (t->k == T_STAR)
      st.k = S_ANY;
    else if (t->k == T_NAME && peek(p)->k == T_LP) {
      /* node() or text() */
      next(p);
      if (next(p)->k != T_RP) {
        unexpected(p, &p->t[p->i - 1]);
        return -1;
      }
      st.k = S_NODE;
    } else if (t->k == T_NAME) {
      st.k = S_NAME;
      const char *colon = strchr(t->text, ':');
      st.name = colon ? colon + 1 : t->text;
      if (strcmp(st.name, "*") == 0) st.k = S_ANY;
    } else {
      unexpected(p, t);
      return -1;
    }
    if (parse_preds(p, &st.preds, &st.npred)) return -1;
  }
  if ((path->nsteps & (path->nsteps - 1)) == 0) {
    step *g = mtm_arena_alloc(p->a, sizeof *g * (size_t)(path->nsteps ? path->nsteps * 2 : 1));
    if (path->nsteps) memcpy(g, path->steps, sizeof *g * (size_t)path->nsteps);
    path->steps = g;
  }
  path->steps[path->nsteps++] = st;
  return 0;
}

/* RelativeLocationPath: Step (("/" | "//") Step)* */
static int parse_relpath(parser *p, mtm_expr *path) {
  if (parse_step(p, path)) return -1;
  while (peek(p)->k == T_SLASH || peek(p)->k == T_DSLASH) {
    if (next(p)->k == T_DSLASH) {
      step d = {S_DESC, NULL, 0, NULL};
      if ((path->nsteps & (path->nsteps - 1)) == 0) {
        step *g = mtm_arena_alloc(p->a, sizeof *g * (size_t)(path->nsteps * 2));
        memcpy(g, path->steps, sizeof *g * (size_t)path->nsteps);
        path->steps = g;
      }
      path->steps[path->nsteps++] = d;
    }
    if (!can_start_step_at(p, 1)) {
      unexpected(p, peek(p));
      return -1;
    }
    if (parse_step(p, path)) return -1;
  }
  return 0;
}

/* PrimaryExpr: literal, number, ${ref}, "(" Expr ")" or a function call. */
static mtm_expr *parse_primary(parser *p) {
  tok *t = peek(p);
  mtm_expr *e;
  switch (t->k) {
  case T_NUM:
    next(p);
    e = node(p, E_NUM, t);
    e->num = t->num;
    return e;
  case T_STR:
    next(p);
    e = node(p, E_STR, t);
    e->s = t->text;
    return e;
  case T_REF:
    next(p);
    e = node(p, E_REF, t);
    e->s = t->text;
    return e;
  case T_LP: {
    next(p);
    e = parse_or(p);
    if (!e) return NULL;
    if (peek(p)->k != T_RP) {
      if (peek(p)->k == T_EOF)
        fail(p, t->off, "missing ')' to close the '(' at character %d", charpos(p->src, t->off));
      else
        unexpected(p, peek(p));
      return NULL;
    }
    next(p);
    return e;
  }
  case T_NAME:
    if (peek2(p)->k == T_LP) {
      next(p);
      tok *open = next(p);
      e = node(p, E_FUNC, t);
      e->s = t->text;
      if (peek(p)->k != T_RP) {
        for (;;) {
          mtm_expr *arg = parse_or(p);
          if (!arg) return NULL;
          push(p, &e->args, &e->nargs, arg);
          if (peek(p)->k == T_COMMA) {
            next(p);
            continue;
          }
          break;
        }
      }
      if (peek(p)->k != T_RP) {
        if (peek(p)->k == T_EOF)
          fail(p, open->off, "missing ')' to close the '(' at character %d",
               charpos(p->src, open->off));
        else
          unexpected(p, peek(p));
        return NULL;
      }
      next(p);
      return e;
    }
    return unexpected(p, t);
  default:
    return unexpected(p, t);
  }
}

/* PathExpr: LocationPath | FilterExpr (("/" | "//") RelativeLocationPath)? */
static mtm_expr *parse_path(parser *p) {
  tok *t = peek(p);
  if (t->k == T_SLASH || t->k == T_DSLASH) {
    mtm_expr *e = node(p, E_PATH, t);
    e->absolute = 1;
    next(p);
    if (t->k == T_DSLASH) {
      if (!can_start_step_at(p, 1)) return unexpected(p, peek(p));
      step d = {S_DESC, NULL, 0, NULL};
      e->steps = mtm_arena_alloc(p->a, sizeof d);
      e->steps[0] = d;
      e->nsteps = 1;
      if (parse_relpath(p, e)) return NULL;
    } else if (can_start_step_at(p, 1)) {
      if (parse_relpath(p, e)) return NULL;
    }
    return e;
  }
  if (can_start_step_at(p, 0)) {
    mtm_expr *e = node(p, E_PATH, t);
    if (parse_relpath(p, e)) return NULL;
    return e;
  }
  mtm_expr *prim = parse_primary(p);
  if (!prim) return NULL;
  if (peek(p)->k != T_LB && peek(p)->k != T_SLASH && peek(p)->k != T_DSLASH) return prim;
  mtm_expr *e = node(p, E_PATH, t);
  e->base = prim;
  if (parse_preds(p, &e->preds, &e->npred)) return NULL;
  if (peek(p)->k == T_SLASH || peek(p)->k == T_DSLASH) {
    if (next(p)->k == T_DSLASH) {
      step d = {S_DESC, NULL, 0, NULL};
      e->steps = mtm_arena_alloc(p->a, sizeof d);
      e->steps[0] = d;
      e->nsteps = 1;
    }
    if (!can_start_step_at(p, 1)) return unexpected(p, peek(p));
    if (parse_relpath(p, e)) return NULL;
  }
  return e;
}

static mtm_expr *binary(parser *p, int op, tok *at, mtm_expr *l, mtm_expr *r) {
  mtm_expr *e = node(p, E_BIN, at);
  e->op = op;
  e->l = l;
  e->r = r;
  return e;
}

static mtm_expr *parse_union(parser *p) {
  mtm_expr *l = parse_path(p);
  while (l && peek(p)->k == T_PIPE) {
    tok *t = next(p);
    mtm_expr *r = parse_path(p);
    if (!r) return NULL;
    l = binary(p, OP_UNION, t, l, r);
  }
  return l;
}

static mtm_expr *parse_unary(parser *p) {
  if (peek(p)->k == T_MINUS) {
    tok *t = next(p);
    if (++p->depth > 200) {
      fail(p, t->off, "the expression is nested too deeply");
      return NULL;
    }
    mtm_expr *x = parse_unary(p);
    p->depth--;
    if (!x) return NULL;
    mtm_expr *e = node(p, E_NEG, t);
    e->l = x;
    return e;
  }
  return parse_union(p);
}

static mtm_expr *parse_mul(parser *p) {
  mtm_expr *l = parse_unary(p);
  while (l) {
    tok *t = peek(p);
    int op = t->k == T_STAR && t->op ? OP_MUL
             : is_opname(t, "div") ? OP_DIV
             : is_opname(t, "mod") ? OP_MOD
                                   : -1;
    if (op < 0) break;
    next(p);
    mtm_expr *r = parse_unary(p);
    if (!r) return NULL;
    l = binary(p, op, t, l, r);
  }
  return l;
}

static mtm_expr *parse_add(parser *p) {
  mtm_expr *l = parse_mul(p);
  while (l && (peek(p)->k == T_PLUS || peek(p)->k == T_MINUS)) {
    tok *t = next(p);
    mtm_expr *r = parse_mul(p);
    if (!r) return NULL;
    l = binary(p, t->k == T_PLUS ? OP_ADD : OP_SUB, t, l, r);
  }
  return l;
}

static mtm_expr *parse_rel(parser *p) {
  mtm_expr *l = parse_add(p);
  while (l) {
    tok *t = peek(p);
    int op = t->k == T_LT   ? OP_LT
             : t->k == T_LE ? OP_LE
             : t->k == T_GT ? OP_GT
             : t->k == T_GE ? OP_GE
                            : -1;
    if (op < 0) break;
    next(p);
    mtm_expr *r = parse_add(p);
    if (!r) return NULL;
    l = binary(p, op, t, l, r);
  }
  return l;
}

static mtm_expr *parse_eq(parser *p) {
  mtm_expr *l = parse_rel(p);
  while (l && (peek(p)->k == T_EQ || peek(p)->k == T_NE)) {
    tok *t = next(p);
    mtm_expr *r = parse_rel(p);
    if (!r) return NULL;
    l = binary(p, t->k == T_EQ ? OP_EQ : OP_NE, t, l, r);
  }
  return l;
}

static mtm_expr *parse_and(parser *p) {
  mtm_expr *l = parse_eq(p);
  while (l && is_opname(peek(p), "and")) {
    tok *t = next(p);
    mtm_expr *r = parse_eq(p);
    if (!r) return NULL;
    l = binary(p, OP_AND, t, l, r);
  }
  return l;
}

static mtm_expr *parse_or(parser *p) {
  if (++p->depth > 200) {
    fail(p, peek(p)->off, "the expression is nested too deeply");
    return NULL;
  }
  mtm_expr *l = parse_and(p);
  while (l && is_opname(peek(p), "or")) {
    tok *t = next(p);
    mtm_expr *r = parse_and(p);
    if (!r) return NULL;
    l = binary(p, OP_OR, t, l, r);
  }
  p->depth--;
  return l;
}

/* Parses src into a tree in the arena a. */
int mtm_expr_parse(mtm_arena *a, const char *src, mtm_expr **out, mtm_err *err) {
  *out = NULL;
  parser p;
  memset(&p, 0, sizeof p);
  p.a = a;
  p.src = src ? src : "";
  p.err = err;
  const char *q = p.src;
  while (*q && isspace((unsigned char)*q)) q++;
  if (!*q) return mtm_err_set(err, MTM_EINVAL, "the expression is empty");
  if (lex(&p)) return MTM_EINVAL;
  mtm_expr *e = parse_or(&p);
  if (!e) {
    if (!p.failed) fail(&p, 0, "cannot read the expression");
    return MTM_EINVAL;
  }
  if (peek(&p)->k != T_EOF) {
    unexpected(&p, peek(&p));
    return MTM_EINVAL;
  }
  *out = e;
  return 0;
}

/* ---- references ------------------------------------------------------------ */

/* Reports ${name} written inside a string literal (pyxform replaces those
 * too, e.g. jr:choice-name(${q}, '${q}')). */
static void refs_in_text(const char *s, void (*fn)(void *, const char *), void *ctx) {
  char name[256];
  for (const char *p = strstr(s, "${"); p; p = strstr(p + 2, "${")) {
    const char *e = strchr(p + 2, '}');
    if (!e) return;
    size_t n = (size_t)(e - p - 2);
    if (n == 0 || n >= sizeof name) continue;
    memcpy(name, p + 2, n);
    name[n] = 0;
    if (name_span(name) == (int)n) fn(ctx, name);
  }
}

/* Calls fn for every ${name} the expression references, in source order. */
void mtm_expr_refs(const mtm_expr *e, void (*fn)(void *ctx, const char *name), void *ctx) {
  if (!e) return;
  switch (e->k) {
  case E_REF:
    fn(ctx, e->s);
    break;
  case E_STR:
    refs_in_text(e->s, fn, ctx);
    break;
  case E_NUM:
    break;
  case E_BIN:
    mtm_expr_refs(e->l, fn, ctx);
    mtm_expr_refs(e->r, fn, ctx);
    break;
  case E_NEG:
    mtm_expr_refs(e->l, fn, ctx);
    break;
  case E_FUNC:
    for (int i = 0; i < e->nargs; i++) mtm_expr_refs(e->args[i], fn, ctx);
    break;
  case E_PATH:
    mtm_expr_refs(e->base, fn, ctx);
    for (int i = 0; i < e->npred; i++) mtm_expr_refs(e->preds[i], fn, ctx);
    for (int s = 0; s < e->nsteps; s++)
      for (int i = 0; i < e->steps[s].npred; i++) mtm_expr_refs(e->steps[s].preds[i], fn, ctx);
    break;
  }
}

/* 1 when e is ${name} (a reference to the question). */
static int is_ref(const mtm_expr *e, const char *name) {
  return e && e->k == E_REF && strcmp(e->s, name) == 0;
}

/* 1 when e is a literal (a string or a number), copied into *lit. */
static int literal(const mtm_expr *e, mtm_value *lit) {
  if (!e) return 0;
  if (e->k == E_STR) *lit = (mtm_value){MTM_V_STR, 0, e->s, 0};
  else if (e->k == E_NUM) *lit = (mtm_value){MTM_V_NUM, e->num, NULL, 0};
  else return 0;
  return 1;
}

/* 1 when two literals are the same value. */
static int same_literal(const mtm_value *a, const mtm_value *b) {
  if (a->t != b->t) return 0;
  return a->t == MTM_V_STR ? strcmp(a->str, b->str) == 0 : a->num == b->num;
}

/* Reads a single test of ${name} against a literal: name = lit or lit =
 * name (1), name != lit (-1), selected(${name}, lit) (1), and not() of
 * any of these (the opposite); 0 for anything else. */
static int requires_test(const mtm_expr *e, const char *name, mtm_value *lit) {
  if (e->k == E_BIN && (e->op == OP_EQ || e->op == OP_NE)) {
    int sign = e->op == OP_EQ ? 1 : -1;
    if (is_ref(e->l, name) && literal(e->r, lit)) return sign;
    if (is_ref(e->r, name) && literal(e->l, lit)) return sign;
    return 0;
  }
  if (e->k == E_FUNC && e->nargs == 2 && strcmp(e->s, "selected") == 0)
    return is_ref(e->args[0], name) && literal(e->args[1], lit) ? 1 : 0;
  if (e->k == E_FUNC && e->nargs == 1 && strcmp(e->s, "not") == 0)
    return -requires_test(e->args[0], name, lit);
  return 0;
}

/* What e, when true, requires of ${name}: 1 that it equals *lit, -1 that it
 * differs from *lit, 0 nothing this reading can tell. A conjunction
 * requires what either side requires (an equality first); a disjunction
 * requires an equality only when both sides require the same one. */
int mtm_expr_requires(const mtm_expr *e, const char *name, mtm_value *lit) {
  if (!e || !name) return 0;
  if (e->k == E_BIN && e->op == OP_AND) {
    mtm_value l, r;
    int a = mtm_expr_requires(e->l, name, &l), b = mtm_expr_requires(e->r, name, &r);
    if (a == 1 || (a && b != 1)) {
      *lit = l;
      return a;
    }
    if (b) *lit = r;
    return b;
  }
  if (e->k == E_BIN && e->op == OP_OR) {
    mtm_value l, r;
    if (mtm_expr_requires(e->l, name, &l) == 1 && mtm_expr_requires(e->r, name, &r) == 1 &&
        same_literal(&l, &r)) {
      *lit = l;
      return 1;
    }
    return 0;
  }
  return requires_test(e, name, lit);
}

/* ---- values ---------------------------------------------------------------- */

/* XPath boolean(): non-zero numbers, non-empty strings. */
int mtm_value_bool(const mtm_value *v) {
  switch (v->t) {
  case MTM_V_NULL:
    return 0;
  case MTM_V_NUM:
    return v->num != 0 && !isnan(v->num);
  case MTM_V_STR:
    return v->str && v->str[0] != 0;
  case MTM_V_BOOL:
    return v->b != 0;
  }
  return 0;
}

/* Reads an ISO date or date-time ("2023-01-31", "2023-01-31T10:00:00+06:00")
 * as days since 1970, fractional for date-times. */
static int date_days(const char *s, double *days) {
  while (isspace((unsigned char)*s)) s++;
  if (!(isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
        isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) && s[4] == '-'))
    return -1;
  int64_t secs;
  if (mtm_parse_datetime(mtm_slice_c(s), &secs)) return -1;
  *days = (double)secs / 86400.0;
  return 0;
}

/* XPath number() of a string: optional minus, digits, optional fraction,
 * surrounded by spaces; else an ISO date as days since 1970; else NaN. */
static double str_num(const char *s) {
  if (!s) return NAN;
  const char *p = s;
  while (isspace((unsigned char)*p)) p++;
  const char *b = p;
  if (*p == '-') p++;
  int digits = 0;
  while (isdigit((unsigned char)*p)) p++, digits++;
  if (*p == '.') {
    p++;
    while (isdigit((unsigned char)*p)) p++, digits++;
  }
  const char *e = p;
  while (isspace((unsigned char)*p)) p++;
  if (digits && !*p) {
    char tmp[128];
    size_t n = (size_t)(e - b);
    if (n < sizeof tmp) {
      memcpy(tmp, b, n);
      tmp[n] = 0;
      return strtod(tmp, NULL);
    }
    return strtod(b, NULL);
  }
  double d;
  if (date_days(s, &d) == 0) return d;
  return NAN;
}

double mtm_value_num(const mtm_value *v) {
  switch (v->t) {
  case MTM_V_NULL:
    return NAN;
  case MTM_V_NUM:
    return v->num;
  case MTM_V_STR:
    return str_num(v->str);
  case MTM_V_BOOL:
    return v->b ? 1 : 0;
  }
  return NAN;
}

/* XPath string() of a number: integers without a decimal point, others in
 * the shortest decimal form that reads back the same, never an exponent. */
static void num_text(double x, char *out, size_t n) {
  if (isnan(x)) {
    snprintf(out, n, "NaN");
    return;
  }
  if (isinf(x)) {
    snprintf(out, n, x > 0 ? "Infinity" : "-Infinity");
    return;
  }
  if (x == 0) {
    snprintf(out, n, "0");
    return;
  }
  if (x == trunc(x) && fabs(x) < 1e17) {
    snprintf(out, n, "%.0f", x);
    return;
  }
  int prec = 1;
  char tmp[64];
  for (; prec <= 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*g", prec, x);
    if (strtod(tmp, NULL) == x) break;
  }
  if (!strchr(tmp, 'e')) {
    snprintf(out, n, "%s", tmp);
    return;
  }
  int ex = (int)floor(log10(fabs(x)));
  int decimals = prec - 1 - ex;
  if (decimals < 0) decimals = 0;
  if (decimals > 340) decimals = 340;
  snprintf(out, n, "%.*f", decimals, x);
  /* Trailing zeros after the point are noise. */
  char *dot = strchr(out, '.');
  if (dot) {
    char *end = out + strlen(out) - 1;
    while (end > dot && *end == '0') *end-- = 0;
    if (end == dot) *end = 0;
  }
}

const char *mtm_value_str(const mtm_value *v, mtm_arena *a) {
  switch (v->t) {
  case MTM_V_NULL:
    return "";
  case MTM_V_STR:
    return v->str ? v->str : "";
  case MTM_V_BOOL:
    return v->b ? "true" : "false";
  case MTM_V_NUM: {
    char buf[400];
    num_text(v->num, buf, sizeof buf);
    return mtm_arena_strdup(a, buf);
  }
  }
  return "";
}

static mtm_value vnum(double x) { return (mtm_value){MTM_V_NUM, x, NULL, 0}; }
static mtm_value vstr(const char *s) { return (mtm_value){MTM_V_STR, 0, s, 0}; }
static mtm_value vbool(int b) { return (mtm_value){MTM_V_BOOL, 0, NULL, b != 0}; }
static mtm_value vnull(void) { return (mtm_value){MTM_V_NULL, 0, NULL, 0}; }

/* ---- evaluation ------------------------------------------------------------ */

typedef struct ectx {
  const mtm_expr_env *env;
  mtm_arena *a;
  mtm_err *err;
} ectx;

static int eval(ectx *c, const mtm_expr *e, mtm_value *out);

static const char *look(ectx *c, const char *name) {
  return c->env && c->env->lookup ? c->env->lookup(c->env->ctx, name) : NULL;
}

/* The value of a location path. There is no XML instance here: a path
 * resolves by its last step, ".." steps and predicates aside, so
 * /data/grp/q and ../q both read question q (or, for choice filters, the
 * choice column q through lookup_node). Paths into secondary instances
 * (instance('x')/...) have no value. */
static int eval_path(ectx *c, const mtm_expr *e, mtm_value *out) {
  *out = vnull();
  if (e->base) {
    if (e->base->k == E_FUNC) {
      const char *fn = strchr(e->base->s, ':') ? strchr(e->base->s, ':') + 1 : e->base->s;
      if (strcmp(fn, "instance") == 0) return 0;
      if (strcmp(fn, "current") != 0) {
        mtm_value b;
        int rc = eval(c, e->base, &b);
        if (rc) return rc;
        if (e->nsteps == 0) *out = b;
        return 0;
      }
    } else if (e->nsteps == 0) {
      return eval(c, e->base, out);
    }
  }
  if (e->nsteps == 0) return 0; /* "/" alone: the root has no value */
  const step *last = &e->steps[e->nsteps - 1];
  switch (last->k) {
  case S_SELF:
    if (e->nsteps == 1 || e->steps[e->nsteps - 2].k != S_PARENT) {
      if (c->env && c->env->self) *out = vstr(c->env->self);
    }
    return 0;
  case S_NAME: {
    const char *v = NULL;
    if (c->env && c->env->lookup_node)
      v = c->env->lookup_node(c->env->ctx, last->name);
    else
      v = look(c, last->name);
    if (v) *out = vstr(v);
    return 0;
  }
  default:
    return 0;
  }
}

/* Collects the values of a node-set argument (a question, possibly inside a
 * repeat) for count(), sum(), join() and friends. */
static int eval_set(ectx *c, const mtm_expr *e, const char ***vals, int *n) {
  *vals = NULL;
  *n = 0;
  if (e->k == E_BIN && e->op == OP_UNION) {
    const char **a, **b;
    int na, nb;
    if (eval_set(c, e->l, &a, &na) || eval_set(c, e->r, &b, &nb)) return MTM_EINVAL;
    *vals = mtm_arena_alloc(c->a, sizeof(char *) * (size_t)(na + nb + 1));
    if (na) memcpy(*vals, a, sizeof(char *) * (size_t)na);
    if (nb) memcpy(*vals + na, b, sizeof(char *) * (size_t)nb);
    *n = na + nb;
    return 0;
  }
  const char *name = NULL;
  if (e->k == E_REF)
    name = e->s;
  else if (e->k == E_PATH && !e->base && e->nsteps && e->steps[e->nsteps - 1].k == S_NAME)
    name = e->steps[e->nsteps - 1].name;
  else if (e->k == E_PATH && e->base && e->base->k == E_FUNC && strstr(e->base->s, "instance"))
    return 0;
  if (name && c->env && c->env->lookup_many) {
    *n = c->env->lookup_many(c->env->ctx, name, vals);
    if (*n < 0) *n = 0;
    return 0;
  }
  mtm_value v;
  int rc = eval(c, e, &v);
  if (rc) return rc;
  *vals = mtm_arena_alloc(c->a, sizeof(char *));
  (*vals)[0] = mtm_value_str(&v, c->a);
  *n = 1;
  return 0;
}

static int cmp_values(ectx *c, int op, const mtm_value *l, const mtm_value *r) {
  if (op == OP_EQ || op == OP_NE) {
    int eq;
    if (l->t == MTM_V_BOOL || r->t == MTM_V_BOOL) {
      eq = mtm_value_bool(l) == mtm_value_bool(r);
    } else if (l->t == MTM_V_NUM || r->t == MTM_V_NUM) {
      eq = mtm_value_num(l) == mtm_value_num(r);
    } else {
      eq = strcmp(mtm_value_str(l, c->a), mtm_value_str(r, c->a)) == 0;
    }
    return op == OP_EQ ? eq : !eq;
  }
  double a = mtm_value_num(l), b = mtm_value_num(r);
  switch (op) {
  case OP_LT:
    return a < b;
  case OP_LE:
    return a <= b;
  case OP_GT:
    return a > b;
  default:
    return a >= b;
  }
}

/* Functions get their call node and evaluate the arguments they need. */
typedef int (*fnimpl)(ectx *c, const mtm_expr *call, mtm_value *out);
typedef struct fndef {
  const char *name;
  int min, max; /* max -1: any */
  fnimpl fn;
} fndef;

static int arg(ectx *c, const mtm_expr *call, int i, mtm_value *v) {
  return eval(c, call->args[i], v);
}
static int arg_str(ectx *c, const mtm_expr *call, int i, const char **s) {
  mtm_value v;
  int rc = arg(c, call, i, &v);
  if (!rc) *s = mtm_value_str(&v, c->a);
  return rc;
}
static int arg_num(ectx *c, const mtm_expr *call, int i, double *x) {
  mtm_value v;
  int rc = arg(c, call, i, &v);
  if (!rc) *x = mtm_value_num(&v);
  return rc;
}

#define TRY(x)                                                                                     \
  do {                                                                                             \
    int rc_ = (x);                                                                                 \
    if (rc_) return rc_;                                                                           \
  } while (0)

/* Splits a space-separated multi-select answer into words. */
static int words(mtm_arena *a, const char *s, const char ***out) {
  int n = 0, cap = 8;
  const char **w = mtm_arena_alloc(a, sizeof *w * (size_t)cap);
  const char *p = s;
  for (;;) {
    while (*p && isspace((unsigned char)*p)) p++;
    if (!*p) break;
    const char *b = p;
    while (*p && !isspace((unsigned char)*p)) p++;
    if (n == cap) {
      const char **g = mtm_arena_alloc(a, sizeof *g * (size_t)cap * 2);
      memcpy(g, w, sizeof *g * (size_t)cap);
      w = g;
      cap *= 2;
    }
    w[n++] = mtm_arena_strndup(a, b, (size_t)(p - b));
  }
  *out = w;
  return n;
}

static char *trimmed(mtm_arena *a, const char *s) {
  mtm_slice t = mtm_slice_trim(mtm_slice_c(s));
  return mtm_arena_strndup(a, t.p, t.n);
}

static int f_selected(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *list, *val;
  TRY(arg_str(c, call, 0, &list));
  TRY(arg_str(c, call, 1, &val));
  const char **w;
  int n = words(c->a, list, &w);
  const char *v = trimmed(c->a, val);
  int found = 0;
  for (int i = 0; i < n && !found; i++) found = strcmp(w[i], v) == 0;
  *out = vbool(found);
  return 0;
}

static int f_count_selected(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *list;
  TRY(arg_str(c, call, 0, &list));
  const char **w;
  *out = vnum(words(c->a, list, &w));
  return 0;
}

static int f_selected_at(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *list;
  double i;
  TRY(arg_str(c, call, 0, &list));
  TRY(arg_num(c, call, 1, &i));
  const char **w;
  int n = words(c->a, list, &w);
  int k = isnan(i) ? -1 : (int)i;
  *out = vstr(k >= 0 && k < n ? w[k] : "");
  return 0;
}

/* The number of UTF-8 characters in s. */
static long u8count(const char *s) {
  long n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

/* The byte offset of character k (clamped to the end). */
static size_t u8off(const char *s, long k) {
  size_t i = 0;
  while (s[i] && k > 0) {
    i += (size_t)u8len(s + i);
    k--;
  }
  return i;
}

static int f_string_length(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *s = c->env && c->env->self ? c->env->self : "";
  if (call->nargs) TRY(arg_str(c, call, 0, &s));
  *out = vnum((double)u8count(s));
  return 0;
}

/* ---- regular expressions: XForms patterns are Java-like; POSIX ERE with
 * the common escapes (\d \w \s and their negations) translated. Compiled
 * patterns are cached for the life of the process. */

#define RX_CACHE 64
static struct {
  char *pattern;
  regex_t rx;
  int state; /* rx_compile's answer: 0 compiled, 1 invalid, 2 too large */
} rx_cache[RX_CACHE];
static int rx_n;
static pthread_mutex_t rx_lock = PTHREAD_MUTEX_INITIALIZER;

static void rx_translate(const char *re, mtm_buf *b) {
  int in_class = 0;
  for (const char *p = re; *p; p++) {
    if (*p == '\\' && p[1]) {
      char e = *++p;
      const char *rep = NULL;
      switch (e) {
      case 'd':
        rep = in_class ? "0-9" : "[0-9]";
        break;
      case 'D':
        rep = in_class ? "^0-9" : "[^0-9]";
        break;
      case 'w':
        rep = in_class ? "A-Za-z0-9_" : "[A-Za-z0-9_]";
        break;
      case 'W':
        rep = "[^A-Za-z0-9_]";
        break;
      case 's':
        rep = in_class ? "[:space:]" : "[[:space:]]";
        break;
      case 'S':
        rep = "[^[:space:]]";
        break;
      case 't':
        rep = "\t";
        break;
      case 'n':
        rep = "\n";
        break;
      default:
        break;
      }
      if (rep)
        mtm_buf_adds(b, rep);
      else if (in_class)
        mtm_buf_addc(b, e);
      else {
        mtm_buf_addc(b, '\\');
        mtm_buf_addc(b, e);
      }
      continue;
    }
    if (*p == '[' && !in_class)
      in_class = 1;
    else if (*p == ']' && in_class)
      in_class = 0;
    mtm_buf_addc(b, *p);
  }
}

/* A bound on the number of nodes glibc's regcomp builds for the ERE re: it
 * copies a repeated atom once per repetition ('x+' as "xx*", x{n,m} as m
 * copies), so stacked or nested repetitions grow the tree geometrically
 * ("a+++++..." doubles with every '+', "a{99}{99}{99}" is a million). */
static double rx_size(const char *re) {
  enum { DEPTH = 64 };
  double seq[DEPTH] = {0}, last[DEPTH] = {0};
  int d = 0, over = 0; /* over: parentheses nested deeper than DEPTH */
  for (const char *p = re; *p; p++) {
    double mult = 0;
    switch (*p) {
    case '\\':
      if (p[1]) p++;
      seq[d] += 1, last[d] = 1;
      continue;
    case '[': /* a bracket expression is one node */
      p++;
      if (*p == '^') p++;
      if (*p == ']') p++;
      while (*p && *p != ']') {
        if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
          char kind = p[1];
          p += 2;
          while (*p && !(*p == kind && p[1] == ']')) p++;
          if (*p) p++;
        }
        if (*p) p++;
      }
      if (!*p) p--;
      seq[d] += 1, last[d] = 1;
      continue;
    case '(':
      if (d + 1 < DEPTH)
        d++, seq[d] = last[d] = 0;
      else
        over++;
      continue;
    case ')':
      if (over)
        over--;
      else if (d > 0) {
        double g = seq[d] + 1;
        d--;
        seq[d] += g, last[d] = g;
      }
      continue;
    case '|':
      seq[d] += 1, last[d] = 0;
      continue;
    case '*':
    case '?':
      mult = 1;
      break;
    case '+':
      mult = 2;
      break;
    case '{': {
      const char *q = p + 1;
      double n = 0, m = -1;
      if (*q < '0' || *q > '9') break;
      while (*q >= '0' && *q <= '9') n = n * 10 + (*q++ - '0');
      if (*q == ',') {
        q++;
        if (*q >= '0' && *q <= '9') {
          m = 0;
          while (*q >= '0' && *q <= '9') m = m * 10 + (*q++ - '0');
        } else
          m = n + 1; /* {n,}: n copies and a star */
      } else
        m = n;
      if (*q != '}') break;
      mult = m > 1 ? m : 1;
      p = q;
      break;
    }
    default:
      break;
    }
    if (mult > 0) { /* a repetition of the last atom */
      seq[d] += last[d] * (mult - 1) + 1;
      last[d] = last[d] * mult + 1;
    } else {
      seq[d] += 1, last[d] = 1;
    }
  }
  double total = 0;
  for (int i = 0; i <= d; i++) total += seq[i];
  return total;
}

/* The most nodes a pattern may ask of regcomp (rx_size): far above any real
 * form's pattern, far below what takes seconds or gigabytes to build. */
#define RX_MAX_SIZE 50000.0

/* Compiles re (translated) into rx. Returns 0 when compiled, 1 when the
 * pattern is not valid, 2 when it is too large to compile. */
static int rx_compile(const char *re, regex_t *rx) {
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_reserve(&b, 0); /* "" for an empty pattern, never NULL */
  b.p[0] = 0;
  rx_translate(re, &b);
  int st = rx_size(b.p) > RX_MAX_SIZE                          ? 2
           : regcomp(rx, b.p, REG_EXTENDED | REG_NOSUB) == 0 ? 0
                                                              : 1;
  mtm_buf_free(&b);
  return st;
}

static int f_regex(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *s, *re;
  TRY(arg_str(c, call, 0, &s));
  TRY(arg_str(c, call, 1, &re));
  int found = -1, match = 0, st = 0;
  pthread_mutex_lock(&rx_lock);
  for (int i = 0; i < rx_n; i++)
    if (strcmp(rx_cache[i].pattern, re) == 0) {
      found = i;
      break;
    }
  if (found < 0 && rx_n < RX_CACHE) {
    found = rx_n++;
    rx_cache[found].pattern = mtm_xstrdup(re);
    rx_cache[found].state = rx_compile(re, &rx_cache[found].rx);
  }
  if (found >= 0) {
    st = rx_cache[found].state;
    if (st == 0) match = regexec(&rx_cache[found].rx, s, 0, NULL, 0) == 0;
  }
  pthread_mutex_unlock(&rx_lock);
  if (found < 0) {
    /* The cache is full: compile for this call only. */
    regex_t rx;
    st = rx_compile(re, &rx);
    if (st == 0) {
      match = regexec(&rx, s, 0, NULL, 0) == 0;
      regfree(&rx);
    }
  }
  if (st == 1)
    return mtm_err_set(c->err, MTM_EINVAL,
                       "the pattern '%s' of regex() is not a valid regular expression", re);
  if (st == 2)
    return mtm_err_set(c->err, MTM_EINVAL,
                       "the pattern '%s' of regex() is too large once its repetitions are "
                       "spelled out (more than %.0f parts); use fewer nested or stacked "
                       "repetitions",
                       re, RX_MAX_SIZE);
  *out = vbool(match);
  return 0;
}

static int f_if(ectx *c, const mtm_expr *call, mtm_value *out) {
  mtm_value cond;
  TRY(arg(c, call, 0, &cond));
  return arg(c, call, mtm_value_bool(&cond) ? 1 : 2, out);
}

static int f_coalesce(ectx *c, const mtm_expr *call, mtm_value *out) {
  for (int i = 0; i < call->nargs; i++) {
    TRY(arg(c, call, i, out));
    if (mtm_value_str(out, c->a)[0]) return 0;
  }
  *out = vstr("");
  return 0;
}

static int f_int(ectx *c, const mtm_expr *call, mtm_value *out) {
  double x;
  TRY(arg_num(c, call, 0, &x));
  *out = vnum(isfinite(x) ? trunc(x) : x);
  return 0;
}

static int f_number(ectx *c, const mtm_expr *call, mtm_value *out) {
  double x;
  if (!call->nargs) {
    mtm_value s = c->env && c->env->self ? vstr(c->env->self) : vnull();
    x = mtm_value_num(&s);
  } else
    TRY(arg_num(c, call, 0, &x));
  *out = vnum(x);
  return 0;
}

static int f_string(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *s = c->env && c->env->self ? c->env->self : "";
  if (call->nargs) TRY(arg_str(c, call, 0, &s));
  *out = vstr(s);
  return 0;
}

static int f_boolean(ectx *c, const mtm_expr *call, mtm_value *out) {
  mtm_value v;
  TRY(arg(c, call, 0, &v));
  *out = vbool(mtm_value_bool(&v));
  return 0;
}

static int f_boolean_from_string(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *s;
  TRY(arg_str(c, call, 0, &s));
  *out = vbool(strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
  return 0;
}

static int f_not(ectx *c, const mtm_expr *call, mtm_value *out) {
  mtm_value v;
  TRY(arg(c, call, 0, &v));
  *out = vbool(!mtm_value_bool(&v));
  return 0;
}

static int f_true(ectx *c, const mtm_expr *call, mtm_value *out) {
  (void)c, (void)call;
  *out = vbool(1);
  return 0;
}

static int f_false(ectx *c, const mtm_expr *call, mtm_value *out) {
  (void)c, (void)call;
  *out = vbool(0);
  return 0;
}

static int f_concat(ectx *c, const mtm_expr *call, mtm_value *out) {
  mtm_buf b;
  mtm_buf_init(&b);
  for (int i = 0; i < call->nargs; i++) {
    const char **v;
    int n;
    int rc = eval_set(c, call->args[i], &v, &n);
    if (rc) {
      mtm_buf_free(&b);
      return rc;
    }
    for (int k = 0; k < n; k++) mtm_buf_adds(&b, v[k] ? v[k] : "");
  }
  *out = vstr(mtm_arena_strdup(c->a, b.p ? b.p : ""));
  mtm_buf_free(&b);
  return 0;
}

static int f_join(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *sep;
  TRY(arg_str(c, call, 0, &sep));
  mtm_buf b;
  mtm_buf_init(&b);
  int first = 1;
  for (int i = 1; i < call->nargs; i++) {
    const char **v;
    int n;
    int rc = eval_set(c, call->args[i], &v, &n);
    if (rc) {
      mtm_buf_free(&b);
      return rc;
    }
    for (int k = 0; k < n; k++, first = 0) {
      if (!first) mtm_buf_adds(&b, sep);
      mtm_buf_adds(&b, v[k] ? v[k] : "");
    }
  }
  *out = vstr(mtm_arena_strdup(c->a, b.p ? b.p : ""));
  mtm_buf_free(&b);
  return 0;
}

static int f_contains(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *a, *b;
  TRY(arg_str(c, call, 0, &a));
  TRY(arg_str(c, call, 1, &b));
  *out = vbool(strstr(a, b) != NULL);
  return 0;
}

static int f_starts_with(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *a, *b;
  TRY(arg_str(c, call, 0, &a));
  TRY(arg_str(c, call, 1, &b));
  *out = vbool(strncmp(a, b, strlen(b)) == 0);
  return 0;
}

static int f_ends_with(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *a, *b;
  TRY(arg_str(c, call, 0, &a));
  TRY(arg_str(c, call, 1, &b));
  size_t na = strlen(a), nb = strlen(b);
  *out = vbool(nb <= na && strcmp(a + na - nb, b) == 0);
  return 0;
}

/* substr(s, start[, end]): ODK's 0-based substring, end excluded. */
static int f_substr(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *s;
  double st, en = INFINITY;
  TRY(arg_str(c, call, 0, &s));
  TRY(arg_num(c, call, 1, &st));
  if (call->nargs > 2) TRY(arg_num(c, call, 2, &en));
  long len = u8count(s);
  if (isnan(st)) st = 0;
  if (isnan(en)) en = (double)len;
  if (st < 0) st = (double)len + st;
  if (en < 0) en = (double)len + en;
  if (st < 0) st = 0;
  if (en > (double)len) en = (double)len;
  if (en <= st) {
    *out = vstr("");
    return 0;
  }
  size_t b = u8off(s, (long)st), e = u8off(s, (long)en);
  *out = vstr(mtm_arena_strndup(c->a, s + b, e - b));
  return 0;
}

/* substring(s, start[, length]): XPath's 1-based substring with rounding. */
static int f_substring(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *s;
  double st, ln = INFINITY;
  TRY(arg_str(c, call, 0, &s));
  TRY(arg_num(c, call, 1, &st));
  if (call->nargs > 2) TRY(arg_num(c, call, 2, &ln));
  double rs = floor(st + 0.5), end = rs + floor(ln + 0.5);
  if (isnan(rs) || isnan(end)) {
    *out = vstr("");
    return 0;
  }
  long len = u8count(s);
  double first = rs < 1 ? 1 : rs, last = end > (double)len + 1 ? (double)len + 1 : end;
  if (last <= first) {
    *out = vstr("");
    return 0;
  }
  size_t b = u8off(s, (long)first - 1), e = u8off(s, (long)last - 1);
  *out = vstr(mtm_arena_strndup(c->a, s + b, e - b));
  return 0;
}

static int f_substring_before(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *a, *b;
  TRY(arg_str(c, call, 0, &a));
  TRY(arg_str(c, call, 1, &b));
  const char *f = strstr(a, b);
  *out = vstr(f ? mtm_arena_strndup(c->a, a, (size_t)(f - a)) : "");
  return 0;
}

static int f_substring_after(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *a, *b;
  TRY(arg_str(c, call, 0, &a));
  TRY(arg_str(c, call, 1, &b));
  const char *f = strstr(a, b);
  *out = vstr(f ? f + strlen(b) : "");
  return 0;
}

static int f_translate(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *s, *from, *to;
  TRY(arg_str(c, call, 0, &s));
  TRY(arg_str(c, call, 1, &from));
  TRY(arg_str(c, call, 2, &to));
  mtm_buf b;
  mtm_buf_init(&b);
  for (size_t i = 0; s[i];) {
    int n = u8len(s + i);
    /* Find the character in from; the first occurrence decides. */
    long k = 0;
    size_t j = 0;
    int found = 0;
    while (from[j]) {
      int m = u8len(from + j);
      if (m == n && memcmp(from + j, s + i, (size_t)n) == 0) {
        found = 1;
        break;
      }
      j += (size_t)m;
      k++;
    }
    if (!found)
      mtm_buf_add(&b, s + i, (size_t)n);
    else {
      size_t t = u8off(to, k);
      if (to[t]) mtm_buf_add(&b, to + t, (size_t)u8len(to + t));
    }
    i += (size_t)n;
  }
  *out = vstr(mtm_arena_strdup(c->a, b.p ? b.p : ""));
  mtm_buf_free(&b);
  return 0;
}

static int f_normalize_space(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *s = c->env && c->env->self ? c->env->self : "";
  if (call->nargs) TRY(arg_str(c, call, 0, &s));
  char *r = mtm_arena_alloc(c->a, strlen(s) + 1);
  size_t k = 0;
  int space = 0;
  for (const char *p = s; *p; p++) {
    if (isspace((unsigned char)*p))
      space = 1;
    else {
      if (space && k) r[k++] = ' ';
      space = 0;
      r[k++] = *p;
    }
  }
  r[k] = 0;
  *out = vstr(r);
  return 0;
}

static int f_round(ectx *c, const mtm_expr *call, mtm_value *out) {
  double x, d = 0;
  TRY(arg_num(c, call, 0, &x));
  if (call->nargs > 1) TRY(arg_num(c, call, 1, &d));
  if (!isfinite(x) || isnan(d)) {
    *out = vnum(isnan(d) ? NAN : x);
    return 0;
  }
  double m = pow(10, trunc(d));
  *out = vnum(floor(x * m + 0.5) / m);
  return 0;
}

#define MATH1(fname, expr)                                                                         \
  static int fname(ectx *c, const mtm_expr *call, mtm_value *out) {                                \
    double x;                                                                                      \
    TRY(arg_num(c, call, 0, &x));                                                                  \
    *out = vnum(expr);                                                                             \
    return 0;                                                                                      \
  }
MATH1(f_floor, floor(x))
MATH1(f_ceiling, ceil(x))
MATH1(f_abs, fabs(x))
MATH1(f_sqrt, sqrt(x))
MATH1(f_exp, exp(x))
MATH1(f_exp10, pow(10, x))
MATH1(f_log, log(x))
MATH1(f_log10, log10(x))
MATH1(f_sin, sin(x))
MATH1(f_cos, cos(x))
MATH1(f_tan, tan(x))
MATH1(f_asin, asin(x))
MATH1(f_acos, acos(x))
MATH1(f_atan, atan(x))

static int f_pow(ectx *c, const mtm_expr *call, mtm_value *out) {
  double x, y;
  TRY(arg_num(c, call, 0, &x));
  TRY(arg_num(c, call, 1, &y));
  *out = vnum(pow(x, y));
  return 0;
}

static int f_atan2(ectx *c, const mtm_expr *call, mtm_value *out) {
  double x, y;
  TRY(arg_num(c, call, 0, &y));
  TRY(arg_num(c, call, 1, &x));
  *out = vnum(atan2(y, x));
  return 0;
}

static int f_pi(ectx *c, const mtm_expr *call, mtm_value *out) {
  (void)c, (void)call;
  *out = vnum(M_PI);
  return 0;
}

/* Gathers the numbers of every argument, node-sets expanded. */
static int numbers(ectx *c, const mtm_expr *call, double **xs, int *n) {
  int cap = 8, k = 0;
  double *v = mtm_arena_alloc(c->a, sizeof *v * (size_t)cap);
  for (int i = 0; i < call->nargs; i++) {
    const char **s;
    int m;
    TRY(eval_set(c, call->args[i], &s, &m));
    for (int j = 0; j < m; j++) {
      if (k == cap) {
        double *g = mtm_arena_alloc(c->a, sizeof *g * (size_t)cap * 2);
        memcpy(g, v, sizeof *g * (size_t)cap);
        v = g;
        cap *= 2;
      }
      v[k++] = str_num(s[j]);
    }
  }
  *xs = v;
  *n = k;
  return 0;
}

static int f_min(ectx *c, const mtm_expr *call, mtm_value *out) {
  double *x;
  int n;
  TRY(numbers(c, call, &x, &n));
  double r = n ? INFINITY : NAN;
  for (int i = 0; i < n; i++) r = isnan(x[i]) || isnan(r) ? NAN : (x[i] < r ? x[i] : r);
  *out = vnum(r);
  return 0;
}

static int f_max(ectx *c, const mtm_expr *call, mtm_value *out) {
  double *x;
  int n;
  TRY(numbers(c, call, &x, &n));
  double r = n ? -INFINITY : NAN;
  for (int i = 0; i < n; i++) r = isnan(x[i]) || isnan(r) ? NAN : (x[i] > r ? x[i] : r);
  *out = vnum(r);
  return 0;
}

static int f_sum(ectx *c, const mtm_expr *call, mtm_value *out) {
  double *x;
  int n;
  TRY(numbers(c, call, &x, &n));
  double r = 0;
  for (int i = 0; i < n; i++) r += x[i];
  *out = vnum(r);
  return 0;
}

static int f_count(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char **s;
  int n;
  TRY(eval_set(c, call->args[0], &s, &n));
  *out = vnum(n);
  return 0;
}

static int f_count_non_empty(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char **s;
  int n, k = 0;
  TRY(eval_set(c, call->args[0], &s, &n));
  for (int i = 0; i < n; i++) k += s[i] && s[i][0];
  *out = vnum(k);
  return 0;
}

static int f_position(ectx *c, const mtm_expr *call, mtm_value *out) {
  (void)call;
  *out = vnum(c->env && c->env->position > 0 ? c->env->position : 1);
  return 0;
}

static int f_once(ectx *c, const mtm_expr *call, mtm_value *out) { return arg(c, call, 0, out); }

/* ---- dates ---- */

static const char *date_text(ectx *c, int32_t days) {
  char buf[11];
  mtm_format_date(days, buf);
  return mtm_arena_strdup(c->a, buf);
}

static const char *datetime_text(ectx *c, double days) {
  double secs = floor(days * 86400.0 + 0.5);
  int32_t d = (int32_t)floor(secs / 86400.0);
  long rest = (long)(secs - (double)d * 86400.0);
  char buf[11];
  mtm_format_date(d, buf);
  return mtm_arena_printf(c->a, "%sT%02ld:%02ld:%02ld.000Z", buf, rest / 3600, rest / 60 % 60,
                          rest % 60);
}

/* A value as (fractional) days since 1970: numbers are days already. */
static double value_days(const mtm_value *v) {
  if (v->t == MTM_V_NUM) return v->num;
  if (v->t == MTM_V_STR) {
    double d;
    if (date_days(v->str, &d) == 0) return d;
    int32_t dd;
    if (mtm_parse_date(mtm_slice_c(v->str), &dd) == 0) return dd;
    return str_num(v->str);
  }
  return NAN;
}

static int f_today(ectx *c, const mtm_expr *call, mtm_value *out) {
  (void)call;
  *out = vstr(date_text(c, c->env ? c->env->today : mtm_today()));
  return 0;
}

static int f_now(ectx *c, const mtm_expr *call, mtm_value *out) {
  (void)call;
  double days = c->env && c->env->now ? (double)c->env->now / 86400.0
                                      : (double)(c->env ? c->env->today : mtm_today());
  *out = vstr(datetime_text(c, days));
  return 0;
}

static int f_date(ectx *c, const mtm_expr *call, mtm_value *out) {
  mtm_value v;
  TRY(arg(c, call, 0, &v));
  double d = value_days(&v);
  *out = isfinite(d) ? vstr(date_text(c, (int32_t)floor(d))) : vstr("");
  return 0;
}

static int f_date_time(ectx *c, const mtm_expr *call, mtm_value *out) {
  mtm_value v;
  TRY(arg(c, call, 0, &v));
  double d = value_days(&v);
  *out = isfinite(d) ? vstr(datetime_text(c, d)) : vstr("");
  return 0;
}

static int f_decimal_date_time(ectx *c, const mtm_expr *call, mtm_value *out) {
  mtm_value v;
  TRY(arg(c, call, 0, &v));
  *out = vnum(value_days(&v));
  return 0;
}

/* decimal-time("10:30:00"): the fraction of a day. */
static int f_decimal_time(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *s;
  TRY(arg_str(c, call, 0, &s));
  int h, m;
  double sec = 0;
  if (sscanf(s, "%d:%d:%lf", &h, &m, &sec) < 2 || h < 0 || h > 23 || m < 0 || m > 59) {
    *out = vnum(NAN);
    return 0;
  }
  *out = vnum((h * 3600 + m * 60 + sec) / 86400.0);
  return 0;
}

static int f_format_date(ectx *c, const mtm_expr *call, mtm_value *out) {
  mtm_value v;
  const char *fmt;
  TRY(arg(c, call, 0, &v));
  TRY(arg_str(c, call, 1, &fmt));
  double days = value_days(&v);
  if (!isfinite(days)) {
    *out = vstr("");
    return 0;
  }
  static const char *mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  static const char *wd[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  double secs = floor(days * 86400.0 + 0.5);
  int32_t d = (int32_t)floor(secs / 86400.0);
  long rest = (long)(secs - (double)d * 86400.0);
  int y;
  unsigned mo, dd;
  mtm_civil_from_days(d, &y, &mo, &dd);
  mtm_buf b;
  mtm_buf_init(&b);
  for (const char *p = fmt; *p; p++) {
    if (*p != '%' || !p[1]) {
      mtm_buf_addc(&b, *p);
      continue;
    }
    switch (*++p) {
    case 'Y':
      mtm_buf_printf(&b, "%04d", y);
      break;
    case 'y':
      mtm_buf_printf(&b, "%02d", ((y % 100) + 100) % 100);
      break;
    case 'm':
      mtm_buf_printf(&b, "%02u", mo);
      break;
    case 'n':
      mtm_buf_printf(&b, "%u", mo);
      break;
    case 'b':
      mtm_buf_adds(&b, mon[mo - 1]);
      break;
    case 'd':
      mtm_buf_printf(&b, "%02u", dd);
      break;
    case 'e':
      mtm_buf_printf(&b, "%u", dd);
      break;
    case 'a':
      mtm_buf_adds(&b, wd[((d % 7) + 7) % 7]);
      break;
    case 'H':
      mtm_buf_printf(&b, "%02ld", rest / 3600);
      break;
    case 'h':
      mtm_buf_printf(&b, "%ld", rest / 3600);
      break;
    case 'M':
      mtm_buf_printf(&b, "%02ld", rest / 60 % 60);
      break;
    case 'S':
      mtm_buf_printf(&b, "%02ld", rest % 60);
      break;
    case '3':
      mtm_buf_adds(&b, "000");
      break;
    case '%':
      mtm_buf_addc(&b, '%');
      break;
    default:
      mtm_buf_addc(&b, '%');
      mtm_buf_addc(&b, *p);
    }
  }
  *out = vstr(mtm_arena_strdup(c->a, b.p ? b.p : ""));
  mtm_buf_free(&b);
  return 0;
}

/* jr:choice-name(value, '${q}'): the label of a choice, through the
 * environment; without one, the value itself. */
static int f_choice_name(ectx *c, const mtm_expr *call, mtm_value *out) {
  const char *v, *q;
  TRY(arg_str(c, call, 0, &v));
  TRY(arg_str(c, call, 1, &q));
  char name[256];
  const char *n = q;
  if (strncmp(q, "${", 2) == 0) {
    size_t k = strcspn(q + 2, "}");
    snprintf(name, sizeof name, "%.*s", (int)k, q + 2);
    n = name;
  } else if (strrchr(q, '/'))
    n = strrchr(q, '/') + 1;
  const char *label =
      c->env && c->env->choice_label ? c->env->choice_label(c->env->ctx, n, v) : NULL;
  *out = vstr(label ? label : v);
  return 0;
}

/* pulldata() and instance() read files and secondary instances that a
 * workspace does not hold: they have no value here. */
static int f_novalue(ectx *c, const mtm_expr *call, mtm_value *out) {
  (void)c, (void)call;
  *out = vnull();
  return 0;
}

static int f_current(ectx *c, const mtm_expr *call, mtm_value *out) {
  (void)call;
  *out = c->env && c->env->self ? vstr(c->env->self) : vnull();
  return 0;
}

static const fndef functions[] = {
    {"selected", 2, 2, f_selected},
    {"count-selected", 1, 1, f_count_selected},
    {"selected-at", 2, 2, f_selected_at},
    {"choice-name", 2, 2, f_choice_name},
    {"string-length", 0, 1, f_string_length},
    {"regex", 2, 2, f_regex},
    {"if", 3, 3, f_if},
    {"coalesce", 2, -1, f_coalesce},
    {"int", 1, 1, f_int},
    {"number", 0, 1, f_number},
    {"string", 0, 1, f_string},
    {"boolean", 1, 1, f_boolean},
    {"boolean-from-string", 1, 1, f_boolean_from_string},
    {"not", 1, 1, f_not},
    {"true", 0, 0, f_true},
    {"false", 0, 0, f_false},
    {"concat", 0, -1, f_concat},
    {"join", 1, -1, f_join},
    {"contains", 2, 2, f_contains},
    {"starts-with", 2, 2, f_starts_with},
    {"ends-with", 2, 2, f_ends_with},
    {"substr", 2, 3, f_substr},
    {"substring", 2, 3, f_substring},
    {"substring-before", 2, 2, f_substring_before},
    {"substring-after", 2, 2, f_substring_after},
    {"translate", 3, 3, f_translate},
    {"normalize-space", 0, 1, f_normalize_space},
    {"round", 1, 2, f_round},
    {"floor", 1, 1, f_floor},
    {"ceiling", 1, 1, f_ceiling},
    {"abs", 1, 1, f_abs},
    {"pow", 2, 2, f_pow},
    {"sqrt", 1, 1, f_sqrt},
    {"exp", 1, 1, f_exp},
    {"exp10", 1, 1, f_exp10},
    {"log", 1, 1, f_log},
    {"log10", 1, 1, f_log10},
    {"sin", 1, 1, f_sin},
    {"cos", 1, 1, f_cos},
    {"tan", 1, 1, f_tan},
    {"asin", 1, 1, f_asin},
    {"acos", 1, 1, f_acos},
    {"atan", 1, 1, f_atan},
    {"atan2", 2, 2, f_atan2},
    {"pi", 0, 0, f_pi},
    {"min", 1, -1, f_min},
    {"max", 1, -1, f_max},
    {"sum", 1, 1, f_sum},
    {"count", 1, 1, f_count},
    {"count-non-empty", 1, 1, f_count_non_empty},
    {"position", 0, 1, f_position},
    {"once", 1, 1, f_once},
    {"today", 0, 0, f_today},
    {"now", 0, 0, f_now},
    {"date", 1, 1, f_date},
    {"date-time", 1, 1, f_date_time},
    {"decimal-date-time", 1, 1, f_decimal_date_time},
    {"decimal-date", 1, 1, f_decimal_date_time},
    {"decimal-time", 1, 1, f_decimal_time},
    {"format-date", 2, 2, f_format_date},
    {"format-date-time", 2, 2, f_format_date},
    {"pulldata", 1, -1, f_novalue},
    {"instance", 1, 1, f_novalue},
    {"current", 0, 0, f_current},
};

static int eval_func(ectx *c, const mtm_expr *e, mtm_value *out) {
  const char *colon = strchr(e->s, ':');
  const char *local = colon ? colon + 1 : e->s;
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
    const fndef *f = &functions[i];
    if (strcmp(f->name, local) != 0) continue;
    if (e->nargs < f->min || (f->max >= 0 && e->nargs > f->max)) {
      if (f->min == f->max)
        return mtm_err_set(c->err, MTM_EINVAL, "the function '%s()' takes %d argument%s, not %d",
                           e->s, f->min, f->min == 1 ? "" : "s", e->nargs);
      if (f->max < 0)
        return mtm_err_set(c->err, MTM_EINVAL,
                           "the function '%s()' takes at least %d argument%s, not %d", e->s, f->min,
                           f->min == 1 ? "" : "s", e->nargs);
      return mtm_err_set(c->err, MTM_EINVAL, "the function '%s()' takes %d to %d arguments, not %d",
                         e->s, f->min, f->max, e->nargs);
    }
    return f->fn(c, e, out);
  }
  return mtm_err_set(c->err, MTM_EINVAL, "the function '%s()' is not supported", e->s);
}

static int eval(ectx *c, const mtm_expr *e, mtm_value *out) {
  switch (e->k) {
  case E_NUM:
    *out = vnum(e->num);
    return 0;
  case E_STR:
    *out = vstr(e->s);
    return 0;
  case E_REF: {
    const char *v = look(c, e->s);
    *out = v ? vstr(v) : vnull();
    return 0;
  }
  case E_PATH:
    return eval_path(c, e, out);
  case E_FUNC:
    return eval_func(c, e, out);
  case E_NEG: {
    mtm_value v;
    TRY(eval(c, e->l, &v));
    *out = vnum(-mtm_value_num(&v));
    return 0;
  }
  case E_BIN:
    break;
  }
  mtm_value l, r;
  TRY(eval(c, e->l, &l));
  if (e->op == OP_OR || e->op == OP_AND) {
    int lb = mtm_value_bool(&l);
    if (e->op == OP_OR && lb) {
      *out = vbool(1);
      return 0;
    }
    if (e->op == OP_AND && !lb) {
      *out = vbool(0);
      return 0;
    }
    TRY(eval(c, e->r, &r));
    *out = vbool(mtm_value_bool(&r));
    return 0;
  }
  if (e->op == OP_UNION) {
    /* As a single value a union is its first answered member. */
    if (l.t != MTM_V_NULL) {
      *out = l;
      return 0;
    }
    return eval(c, e->r, out);
  }
  TRY(eval(c, e->r, &r));
  double a, b;
  switch (e->op) {
  case OP_EQ:
  case OP_NE:
  case OP_LT:
  case OP_LE:
  case OP_GT:
  case OP_GE:
    *out = vbool(cmp_values(c, e->op, &l, &r));
    return 0;
  default:
    break;
  }
  a = mtm_value_num(&l);
  b = mtm_value_num(&r);
  switch (e->op) {
  case OP_ADD:
    *out = vnum(a + b);
    break;
  case OP_SUB:
    *out = vnum(a - b);
    break;
  case OP_MUL:
    *out = vnum(a * b);
    break;
  case OP_DIV:
    *out = vnum(a / b);
    break;
  default:
    *out = vnum(fmod(a, b));
    break;
  }
  return 0;
}

/* Evaluates e for one submission; values live in the arena a. */
int mtm_expr_eval(const mtm_expr *e, const mtm_expr_env *env, mtm_arena *a, mtm_value *out,
                  mtm_err *err) {
  ectx c = {env, a, err};
  *out = vnull();
  return eval(&c, e, out);
}

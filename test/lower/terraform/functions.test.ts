import { describe, expect, it } from 'vitest';
import { evalExpr } from './helpers.js';

describe('Terraform expressions', () => {
  it('evaluates literals, operators and conditionals', () => {
    expect(evalExpr('1 + 2 * 3')).toBe(7);
    expect(evalExpr('"a" == "a" && !false')).toBe(true);
    expect(evalExpr('"A" == "a"')).toBe(false);
    expect(evalExpr('10 % 4 > 1 ? "big" : "small"')).toBe('big');
    expect(evalExpr('-(3)')).toBe(-3);
    expect(evalExpr('null')).toBe(null);
  });

  it('keeps unknown conditions unknown, but equal branches known', () => {
    expect(evalExpr('var.x ? "a" : "b"', 'variable "x" {}')).toBe('unknown');
    expect(evalExpr('var.x ? "a" : "a"', 'variable "x" {}')).toBe('a');
    expect(evalExpr('false && var.x', 'variable "x" {}')).toBe(false);
  });

  it('evaluates templates, keeping the shape of strings with unknown parts', () => {
    expect(evalExpr('"${"a"}-${1}-${true}"')).toBe('a-1-true');
    expect(evalExpr('"/subscriptions/${var.sub}"', 'variable "sub" {}')).toEqual({
      concat: ['/subscriptions/', 'unknown:param:/mem/root#sub'],
    });
    expect(evalExpr('"%{if true}yes%{else}no%{endif}"')).toBe('yes');
    expect(evalExpr('"%{for x in ["a", "b"]}${x};%{endfor}"')).toBe('a;b;');
    expect(evalExpr('<<EOT\nhello ${"world"}\nEOT')).toBe('hello world\n');
  });

  it('evaluates for expressions and splats', () => {
    expect(evalExpr('[for s in ["a", "b"] : upper(s)]')).toEqual(['A', 'B']);
    expect(evalExpr('{for k, v in { b = 2, a = 1 } : v => k}')).toEqual({ 1: 'a', 2: 'b' });
    expect(evalExpr('[for i, s in ["a", "b", "c"] : s if i != 1]')).toEqual(['a', 'c']);
    expect(evalExpr('{for s in ["a", "b", "a"] : s => s...}')).toEqual({ a: ['a', 'a'], b: ['b'] });
    expect(evalExpr('[{ n = 1 }, { n = 2 }][*].n')).toEqual([1, 2]);
    expect(evalExpr('[{ n = 1 }, { n = 2 }].*.n')).toEqual([1, 2]);
    expect(evalExpr('[for s in var.l : s]', 'variable "l" {}')).toBe('unknown');
  });

  it('evaluates collection functions', () => {
    expect(evalExpr('toset(["b", "a", "b"])')).toEqual(['a', 'b']);
    expect(evalExpr('tolist(["a"])')).toEqual(['a']);
    expect(evalExpr('merge({ a = 1, b = 2 }, { b = 3 }, null)')).toEqual({ a: 1, b: 3 });
    expect(evalExpr('concat(["a"], ["b", "c"])')).toEqual(['a', 'b', 'c']);
    expect(evalExpr('flatten([["a"], [["b"]], "c"])')).toEqual(['a', 'b', 'c']);
    expect(evalExpr('distinct(["a", "b", "a"])')).toEqual(['a', 'b']);
    expect(evalExpr('keys({ b = 1, a = 2 })')).toEqual(['a', 'b']);
    expect(evalExpr('values({ b = 1, a = 2 })')).toEqual([2, 1]);
    expect(evalExpr('lookup({ a = 1 }, "a", 0)')).toBe(1);
    expect(evalExpr('lookup({ a = 1 }, "z", 0)')).toBe(0);
    expect(evalExpr('element(["a", "b"], 3)')).toBe('b');
    expect(evalExpr('length({ a = 1 })')).toBe(1);
    expect(evalExpr('length("héllo")')).toBe(5);
    expect(evalExpr('contains(["a", "b"], "b")')).toBe(true);
    expect(evalExpr('zipmap(["a", "b"], [1, 2])')).toEqual({ a: 1, b: 2 });
    expect(evalExpr('setunion(["b"], ["a", "b"])')).toEqual(['a', 'b']);
    expect(evalExpr('setintersection(["a", "b"], ["b", "c"])')).toEqual(['b']);
    expect(evalExpr('setsubtract(["a", "b"], ["b"])')).toEqual(['a']);
    expect(evalExpr('slice(["a", "b", "c"], 1, 3)')).toEqual(['b', 'c']);
    expect(evalExpr('coalesce("", null, "x")')).toBe('x');
    expect(evalExpr('coalescelist([], ["a"])')).toEqual(['a']);
    expect(evalExpr('one(["a"])')).toBe('a');
    expect(evalExpr('one([])')).toBe(null);
    expect(evalExpr('range(3)')).toEqual([0, 1, 2]);
    expect(evalExpr('compact(["a", "", null])')).toEqual(['a']);
    expect(evalExpr('index(["a", "b"], "b")')).toBe(1);
    expect(evalExpr('alltrue([true, true])')).toBe(true);
    expect(evalExpr('sum([1, 2])')).toBe(3);
    expect(evalExpr('max(1, 5, 2)')).toBe(5);
  });

  it('evaluates string functions', () => {
    expect(evalExpr('format("%s-%03d-%v", "a", 7, true)')).toBe('a-007-true');
    expect(evalExpr('format("/subscriptions/%s/resourceGroups/%s", var.s, "rg")', 'variable "s" {}')).toEqual({
      concat: ['/subscriptions/', 'unknown:param:/mem/root#s', '/resourceGroups/rg'],
    });
    expect(evalExpr('lower("AbC")')).toBe('abc');
    expect(evalExpr('upper("abc")')).toBe('ABC');
    expect(evalExpr('replace("a-b-c", "-", "_")')).toBe('a_b_c');
    expect(evalExpr('replace("abc123", "/[0-9]+/", "#")')).toBe('abc#');
    expect(evalExpr('join(",", ["a", "b"])')).toBe('a,b');
    expect(evalExpr('split(",", "a,b")')).toEqual(['a', 'b']);
    expect(evalExpr('startswith("abc", "ab")')).toBe(true);
    expect(evalExpr('endswith("abc", "bc")')).toBe(true);
    expect(evalExpr('trimprefix("abc", "a")')).toBe('bc');
    expect(evalExpr('trimsuffix("abc", "c")')).toBe('ab');
    expect(evalExpr('substr("hello", 1, 3)')).toBe('ell');
    expect(evalExpr('trimspace("  x ")')).toBe('x');
    expect(evalExpr('jsonencode({ b = [1, "x"], a = null })')).toBe('{"a":null,"b":[1,"x"]}');
    expect(evalExpr('jsondecode("{\\"a\\": [1, true]}")')).toEqual({ a: [1, true] });
    expect(evalExpr('tostring(5)')).toBe('5');
    expect(evalExpr('tonumber("5")')).toBe(5);
    expect(evalExpr('md5("a")')).toBe('0cc175b9c0f1b6a831c399e269772661');
    expect(evalExpr('regex("^(\\\\w+)-(\\\\d+)$", "ab-12")')).toEqual(['ab', '12']);
  });

  it('keeps uuid(), timestamp() and unknown-argument calls as call values', () => {
    expect(evalExpr('uuid()')).toBe('call:uuid()');
    expect(evalExpr('timestamp()')).toBe('call:timestamp()');
    expect(evalExpr('lower(var.x)', 'variable "x" {}')).toBe('call:lower("unknown:param:/mem/root#x")');
    expect(evalExpr('provider::azurerm::normalise_resource_id("x")')).toBe('call:provider::azurerm::normalise_resource_id("x")');
    expect(evalExpr('file("x.txt")')).toBe('call:file("x.txt")');
  });

  it('evaluates try and can', () => {
    expect(evalExpr('try({ a = 1 }.b, "fallback")')).toBe('fallback');
    expect(evalExpr('try({ a = 1 }.a, "fallback")')).toBe(1);
    expect(evalExpr('can({ a = 1 }.b)')).toBe(false);
    expect(evalExpr('can({ a = 1 }.a)')).toBe(true);
    expect(evalExpr('try(["a"][5], null)')).toBe(null);
  });

  it('turns what Terraform would reject into an unknown, never a crash', () => {
    expect(evalExpr('{ a = 1 }.b')).toBe('unknown');
    expect(evalExpr('1 / 0')).toBe('unknown');
    expect(evalExpr('"x${[1]}"')).toBe('unknown');
    expect(evalExpr('local.probe')).toBe('unknown');
    expect(evalExpr('nosuch_type.x.id')).toBe('unknown');
  });
});

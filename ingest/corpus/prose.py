"""Sentences of a synthetic report: filler paragraphs, and statements of figures
(digits, Chinese numerals, 余/多 approximations) with the fact key each states."""

from __future__ import annotations

import random
from dataclasses import dataclass

import cn2an

FILLER = (
    "坚持以公开为常态、不公开为例外, 紧紧围绕中心工作和公众关切, 不断推进重点领域政府信息公开。",
    "进一步健全政府信息公开工作机制, 明确分管领导和工作人员, 将政务公开工作纳入年度绩效考核。",
    "加强政策解读和回应关切, 对涉及群众切身利益的重要政策文件同步发布解读材料。",
    "规范政府信息公开专栏设置, 及时更新公开指南和公开目录, 方便公众查阅。",
    "严格落实保密审查制度, 坚持先审查后公开, 全年未发生泄密事件。",
    "持续推进财政预决算、重大建设项目、公共资源配置、社会公益事业等领域信息公开。",
    "加强政务新媒体管理, 推动政府网站与政务新媒体信息同步发布。",
    "畅通依申请公开受理渠道, 规范办理流程, 做到依法依规答复。",
    "组织开展政务公开标准化规范化建设, 编制完成基层政务公开标准目录。",
    "积极回应社会关切, 对网民留言做到及时转办、按时回复。",
    "存在的主要问题是部分单位对政务公开工作重视不够, 公开内容不够全面, 更新不够及时。",
    "下一步将加强业务培训和督促检查, 不断提升政府信息公开工作质量。",
    "公众对政府信息公开工作的满意度进一步提升, 社会反响良好。",
    "推进决策公开, 重大行政决策事项在作出决策前向社会公开征求意见。",
)
DISTRACTORS = (
    "全年受理县长信箱留言{a}条, 办结率100%。",
    "受理12345政务服务热线工单{a}余件, 均已按时办结。",
    "组织开展再就业技能培训{a}人次。",
    "政府信息公开查阅点接待群众{a}人次。",
)


@dataclass(frozen=True, slots=True)
class Statement:
    text: str
    facts: dict[str, float]  # fact key -> value the sentence states


def say(value: float, rng: random.Random, style: str | None = None) -> tuple[str, float, str]:
    """(printed number, value a reader takes from it, style) in digits, Chinese numerals or approx."""
    n = int(value)
    style = style or rng.choices(["digits", "chinese", "approx"], weights=[0.75, 0.15, 0.10])[0]
    if style == "chinese" and 0 < n <= 9999:
        return cn2an.an2cn(n), float(n), style
    if style == "approx" and n >= 20:
        round_to = 10 if n < 1000 else 100
        stated = n // round_to * round_to
        return f"{stated}余", float(stated), style
    return str(n), float(n), "digits"


def statements(facts: dict[str, float], year: int, rng: random.Random) -> list[Statement]:
    """Sentences stating the figures in `facts` (keys the narrative parser knows)."""
    out: list[Statement] = []
    if "proactive_total" in facts:
        t, v, _ = say(facts["proactive_total"], rng)
        stated = {"proactive_total": v}
        text = rng.choice([f"{year}年, 主动公开政府信息{t}条", f"全年共主动公开政府信息{t}条",
                           f"{year}年共主动公开各类政府信息{t}条"])
        if "proactive_published/website" in facts:
            w, wv, _ = say(facts["proactive_published/website"], rng, "digits")
            text += f", 其中通过政府网站主动公开政府信息{w}条"
            stated["proactive_published/website"] = wv
        out.append(Statement(text + "。", stated))
    if "requests_received" in facts:
        n = facts["requests_received"]
        if n == 0 and rng.random() < 0.5:
            out.append(Statement(f"{year}年全年未收到政府信息公开申请。", {"requests_received": 0.0}))
        else:
            t, v, _ = say(n, rng, "digits" if n < 20 else None)
            text = f"全年共受理政府信息公开申请{t}件"
            stated = {"requests_received": v}
            if "requests_granted" in facts and v == n and facts["requests_granted"] <= n:
                g, gv, _ = say(facts["requests_granted"], rng, "digits")
                text += f", 其中同意公开{g}件"
                stated["requests_granted"] = gv
                if "requests_partially_granted" in facts:
                    p, pv, _ = say(facts["requests_partially_granted"], rng, "digits")
                    text += f", 同意部分公开{p}件"
                    stated["requests_partially_granted"] = pv
            out.append(Statement(text + "。", stated))
    if "requests_carried_over" in facts:
        t, v, _ = say(facts["requests_carried_over"], rng, "digits")
        out.append(Statement(f"上年结转政府信息公开申请{t}件。", {"requests_carried_over": v}))
    if "admin_review_total" in facts and "admin_litigation_total" in facts:
        r, lt = facts["admin_review_total"], facts["admin_litigation_total"]
        if r == 0 and lt == 0:
            out.append(Statement("全年未发生因政府信息公开引起的行政复议案件, 也未发生行政诉讼案件。",
                                 {"admin_review_total": 0.0, "admin_litigation_total": 0.0}))
        else:
            rt, rv, _ = say(r, rng, "digits")
            ltt, lv, _ = say(lt, rng, "digits")
            out.append(Statement(f"因政府信息公开申请引起行政复议{rt}件, 行政诉讼{ltt}件。",
                                 {"admin_review_total": rv, "admin_litigation_total": lv}))
    if "fees_collected" in facts:
        fee = facts["fees_collected"]
        if fee == 0:
            out.append(Statement("本年度未收取任何政府信息公开费用。", {"fees_collected": 0.0}))
        else:
            out.append(Statement(f"全年依申请公开收取信息处理费{fee:g}万元。", {"fees_collected": fee}))
    if "staff_total" in facts:
        t, v, _ = say(facts["staff_total"], rng, "digits")
        text = f"全{rng.choice(['县', '市', '单位'])}从事政府信息公开工作人员{t}人"
        stated = {"staff_total": v}
        if "staff_fulltime" in facts and "staff_parttime" in facts:
            text += f", 其中专职人员{facts['staff_fulltime']:g}人, 兼职人员{facts['staff_parttime']:g}人"
            stated |= {"staff_fulltime": facts["staff_fulltime"], "staff_parttime": facts["staff_parttime"]}
        out.append(Statement(text + "。", stated))
    if "training_sessions" in facts and "trainees" in facts:
        s, sv, _ = say(facts["training_sessions"], rng, rng.choice(["digits", "chinese"]))
        p, pv, _ = say(facts["trainees"], rng, "digits")
        out.append(Statement(f"举办政府信息公开业务培训班{s}次, 培训人员{p}人次。",
                             {"training_sessions": sv, "trainees": pv}))
    return out


def filler(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(FILLER) for _ in range(n)]


def distractor(rng: random.Random) -> str:
    return rng.choice(DISTRACTORS).format(a=rng.randint(20, 20000))
